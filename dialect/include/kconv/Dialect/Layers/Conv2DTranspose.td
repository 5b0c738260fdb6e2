// Keras Conv2DTranspose: the op `kconv.conv2d_transpose`; its verifier and shape
// inference are in dialect/lib/Layers/Conv2DTranspose.cpp. Included by
// KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_CONV2DTRANSPOSE_TD
#define KCONV_DIALECT_LAYERS_CONV2DTRANSPOSE_TD

def Kconv_Conv2DTransposeOp : Kconv_LayerOp<"conv2d_transpose"> {
  let summary = "Keras Conv2DTranspose layer";
  let description = [{
    The transpose (gradient) of a Conv2D, as TensorFlow computes it: `kernel`
    is `(KH, KW, filters, input channels)`; input pixel `i` with kernel tap `k`
    adds to output pixel `i * stride + k * dilation - pad`, where `pad` is the
    'same' padding of the forward convolution on the output size (0 for
    'valid'). The output size is Keras's `deconv_output_length`, with
    `output_padding` when given.
  }];
  let arguments = (ins Kconv_AnyTensor:$input, 4DTensorOf<[F32]>:$kernel,
                   Optional<1DTensorOf<[F32]>>:$bias,
                   ConfinedAttr<I64Attr, [IntPositive]>:$filters,
                   DenseI64ArrayAttr:$kernel_size, DenseI64ArrayAttr:$strides,
                   Kconv_PaddingAttr:$padding, OptionalAttr<DenseI64ArrayAttr>:$output_padding,
                   Kconv_DataFormatAttr:$data_format, DenseI64ArrayAttr:$dilation_rate,
                   Kconv_ActivationAttr:$activation, BoolAttr:$use_bias);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $input `,` $kernel (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// Padding before the first output row and column (top, left).
    std::array<int64_t, 2> getPaddingBefore();
  }];
}

#endif // KCONV_DIALECT_LAYERS_CONV2DTRANSPOSE_TD
