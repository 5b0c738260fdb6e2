// Keras UpSampling2D: the op `kconv.upsample2d`; its verifier and shape inference are
// in dialect/lib/Layers/UpSampling2D.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_UPSAMPLING2D_TD
#define KCONV_DIALECT_LAYERS_UPSAMPLING2D_TD

def Kconv_UpSample2DOp : Kconv_LayerOp<"upsample2d"> {
  let summary = "Keras UpSampling2D";
  let description = [{
    `bilinear` follows TF's resize with half-pixel centers, as Keras does.
  }];
  let arguments = (ins Kconv_AnyTensor:$input, DenseI64ArrayAttr:$size,
                   Kconv_InterpolationAttr:$interpolation, Kconv_DataFormatAttr:$data_format);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_UPSAMPLING2D_TD
