// Keras ZeroPadding2D: the op `kconv.zero_pad2d`; its verifier and shape inference are
// in dialect/lib/Layers/ZeroPadding2D.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_ZEROPADDING2D_TD
#define KCONV_DIALECT_LAYERS_ZEROPADDING2D_TD

def Kconv_ZeroPad2DOp : Kconv_LayerOp<"zero_pad2d"> {
  let summary = "Keras ZeroPadding2D";
  let description = [{
    `padding` is (top, bottom, left, right). `--kconv-fold-padding` moves it
    into a following convolution's `explicit_padding`.
  }];
  let arguments = (ins Kconv_AnyTensor:$input, DenseI64ArrayAttr:$padding,
                   Kconv_DataFormatAttr:$data_format);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_ZEROPADDING2D_TD
