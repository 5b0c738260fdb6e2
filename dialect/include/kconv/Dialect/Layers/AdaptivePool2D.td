// Keras 3 AdaptiveAveragePooling2D / AdaptiveMaxPooling2D (and the 1-D layers, on a
// (1, steps) view): the op `kconv.adaptive_pool2d`; its verifier and shape inference
// are in dialect/lib/Layers/AdaptivePool2D.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_ADAPTIVEPOOL2D_TD
#define KCONV_DIALECT_LAYERS_ADAPTIVEPOOL2D_TD

def Kconv_AdaptivePool2DOp : Kconv_LayerOp<"adaptive_pool2d"> {
  let summary = "Keras AdaptiveAveragePooling2D / AdaptiveMaxPooling2D";
  let description = [{
    Pools an image to `output_size` (height, width) whatever its size: along an axis
    of input size L and output size O, output index i reduces the input indices
    [floor(i * L / O), ceil((i + 1) * L / O)) (windows of ceil(L / O) or one more,
    overlapping when L is not a multiple of O; O may exceed L). Average divides by
    the window's size.

    ```mlir
    %y = kconv.adaptive_pool2d %x {data_format = #kconv.data_format<channels_last>,
        kind = #kconv.pool_kind<average>, output_size = array<i64: 3, 3>}
        : (tensor<?x10x7x16xf32>) -> tensor<?x3x3x16xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, Kconv_PoolKindAttr:$kind,
                   DenseI64ArrayAttr:$output_size, Kconv_DataFormatAttr:$data_format);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_ADAPTIVEPOOL2D_TD
