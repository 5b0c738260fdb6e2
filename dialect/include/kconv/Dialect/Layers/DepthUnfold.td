// Keras Conv3D's depth axis: the op `kconv.depth_unfold`, which lays the depth taps of
// a 5-D input out as channels of a 4-D image that a kconv.conv2d convolves over
// height and width; its verifier and shape inference are in
// dialect/lib/Layers/DepthUnfold.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_DEPTHUNFOLD_TD
#define KCONV_DIALECT_LAYERS_DEPTHUNFOLD_TD

def Kconv_DepthUnfoldOp : Kconv_LayerOp<"depth_unfold"> {
  let summary = "The depth taps of a 3-D convolution as channels of a 2-D one";
  let description = [{
    Reads a 5-D input `(N, D, H, W, C)` (`channels_first`: `(N, C, D, H, W)`) and
    writes the channels_last image `(N, Dout * B, W, G * KD * C / G)` with
    `B = top + H + bottom` rows per output depth `od` (`row_padding` is
    `(top, bottom)`) and `Dout` the output depths of a kernel of `kernel_depth`
    taps, `stride_depth` and `dilation_depth` over the depth padded by
    `depth_padding` `(front, back)`:

    `out[n, od * B + r, w, (g * KD + k) * C / G + c] =
       in[n, od * stride + k * dilation - front, r - top, w, g * C / G + c]`,
    zero outside the input. A Keras Conv3D is then the conv2d of this image with
    the kernel `(KH, KW, KD * C / G, filters)` and `groups = G`: its output rows
    `od * B / stride_h + oh` are output depth `od`, row `oh` (the importer picks
    `bottom` so that `B` is a multiple of the row stride and crops the rows past
    the last output row of each block).

    ```mlir
    %u = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>,
           depth_padding = array<i64: 1, 1>, dilation_depth = 1 : i64, groups = 1 : i64,
           kernel_depth = 3 : i64, row_padding = array<i64: 1, 1>, stride_depth = 1 : i64}
         : (tensor<?x4x6x6x2xf32>) -> tensor<?x32x6x6xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input,
                   ConfinedAttr<I64Attr, [IntPositive]>:$kernel_depth,
                   ConfinedAttr<I64Attr, [IntPositive]>:$stride_depth,
                   ConfinedAttr<I64Attr, [IntPositive]>:$dilation_depth,
                   DenseI64ArrayAttr:$depth_padding,
                   DenseI64ArrayAttr:$row_padding,
                   ConfinedAttr<I64Attr, [IntPositive]>:$groups,
                   Kconv_DataFormatAttr:$data_format);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_DEPTHUNFOLD_TD
