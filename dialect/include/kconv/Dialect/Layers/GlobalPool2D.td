// Keras GlobalAveragePooling2D and GlobalMaxPooling2D: the op `kconv.global_pool2d`;
// its verifier and shape inference are in dialect/lib/Layers/GlobalPool2D.cpp. Included
// by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_GLOBALPOOL2D_TD
#define KCONV_DIALECT_LAYERS_GLOBALPOOL2D_TD

def Kconv_GlobalPool2DOp : Kconv_LayerOp<"global_pool2d"> {
  let summary = "Keras GlobalAveragePooling2D / GlobalMaxPooling2D";
  let arguments = (ins Kconv_AnyTensor:$input, Kconv_PoolKindAttr:$kind,
                   Kconv_DataFormatAttr:$data_format, BoolAttr:$keepdims);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_GLOBALPOOL2D_TD
