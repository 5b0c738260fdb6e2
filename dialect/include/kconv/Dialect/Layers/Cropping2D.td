// Keras Cropping2D: the op `kconv.crop2d`; its verifier and shape inference are in
// dialect/lib/Layers/Cropping2D.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_CROPPING2D_TD
#define KCONV_DIALECT_LAYERS_CROPPING2D_TD

def Kconv_Crop2DOp : Kconv_LayerOp<"crop2d"> {
  let summary = "Keras Cropping2D";
  let description = "`cropping` is (top, bottom, left, right).";
  let arguments = (ins Kconv_AnyTensor:$input, DenseI64ArrayAttr:$cropping,
                   Kconv_DataFormatAttr:$data_format);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_CROPPING2D_TD
