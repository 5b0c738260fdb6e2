// Keras MaxPooling2D and AveragePooling2D: the op `kconv.pool2d`; its verifier and
// shape inference are in dialect/lib/Layers/Pool2D.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_POOL2D_TD
#define KCONV_DIALECT_LAYERS_POOL2D_TD

def Kconv_Pool2DOp : Kconv_LayerOp<"pool2d"> {
  let summary = "Keras MaxPooling2D / AveragePooling2D";
  let description = [{
    'same' padding is TensorFlow's: max ignores the padding, average divides by
    the number of window positions inside the input.
  }];
  let arguments = (ins Kconv_AnyTensor:$input, Kconv_PoolKindAttr:$kind,
                   DenseI64ArrayAttr:$pool_size, DenseI64ArrayAttr:$strides,
                   Kconv_PaddingAttr:$padding, Kconv_DataFormatAttr:$data_format);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_POOL2D_TD
