// Keras Resizing (and CenterCrop when it resizes): the op `kconv.resize`; its verifier
// and shape inference are in dialect/lib/Layers/Resize.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_RESIZE_TD
#define KCONV_DIALECT_LAYERS_RESIZE_TD

def Kconv_ResizeOp : Kconv_LayerOp<"resize"> {
  let summary = "Keras Resizing: tf.image.resize to (height, width)";
  let description = [{
    Resizes each image to `size` (height, width) as TensorFlow's `tf.image.resize`
    does for Keras 2 and Keras 3 (half-pixel centers, no antialiasing), along each axis
    with scale = in / out (float32) and source s = (o + 0.5) * scale - 0.5:
    `nearest` reads min(floor((o + 0.5) * scale), in - 1); `bilinear` interpolates
    between max(floor(s), 0) and min(ceil(s), in - 1); `bicubic` is Keys' cubic
    convolution with a = -0.5 at the fraction of s rounded to 1/1024 (TF's table),
    taps outside the image weighted 0 and the 4 weights renormalized to sum 1.
    Resizing's crop_to_aspect_ratio and CenterCrop are a `kconv.crop2d` before it.

    ```mlir
    %y = kconv.resize %x {data_format = #kconv.data_format<channels_last>,
        interpolation = #kconv.resize_method<bicubic>, size = array<i64: 12, 20>}
        : (tensor<?x6x10x3xf32>) -> tensor<?x12x20x3xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, DenseI64ArrayAttr:$size,
                   Kconv_ResizeMethodAttr:$interpolation, Kconv_DataFormatAttr:$data_format);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_RESIZE_TD
