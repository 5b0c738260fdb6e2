// Keras GlobalAveragePooling1D reading a mask: the op `kconv.masked_average_pool1d`;
// its verifier and shape inference are in dialect/lib/Layers/MaskedAveragePool1D.cpp.
// Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_MASKEDAVERAGEPOOL1D_TD
#define KCONV_DIALECT_LAYERS_MASKEDAVERAGEPOOL1D_TD

def Kconv_MaskedAveragePool1DOp : Kconv_LayerOp<"masked_average_pool1d"> {
  let summary = "Keras GlobalAveragePooling1D over the steps a mask keeps";
  let description = [{
    The mean over the steps of `input` (`(batch, steps, features)`, or
    `(batch, features, steps)` channels_first) of those where `mask`
    (`(batch, steps)`) is not zero: `sum(x * m) / sum(m)` per sample and feature,
    as Keras computes it with the mask an Embedding's `mask_zero` makes (its ids).
    A sample whose steps are all masked divides 0 by 0, as Keras does.

    ```mlir
    %y = kconv.masked_average_pool1d %x, %ids {data_format = #kconv.data_format<channels_last>,
        keepdims = false} : (tensor<?x12x8xf32>, tensor<?x12xf32>) -> tensor<?x8xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, Kconv_AnyTensor:$mask,
                   Kconv_DataFormatAttr:$data_format, BoolAttr:$keepdims);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input `,` $mask attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_MASKEDAVERAGEPOOL1D_TD
