// Keras Activation, ReLU, LeakyReLU, ELU and Softmax: the op `kconv.activation`; its
// verifier and shape inference are in dialect/lib/Layers/Activation.cpp. Included by
// KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_ACTIVATION_TD
#define KCONV_DIALECT_LAYERS_ACTIVATION_TD

def Kconv_ActivationOp : Kconv_LayerOp<"activation"> {
  let summary = "Keras Activation, ReLU, LeakyReLU, ELU and Softmax layers";
  let description = [{
    An element-wise activation, or softmax/log_softmax along `axis`. The layer
    arguments refine the named function: `relu` with `max_value`,
    `negative_slope` and `threshold` is the Keras `ReLU` layer; `alpha` is
    `leaky_relu`'s slope, `elu`'s and `celu`'s alpha, `squareplus`'s b, the
    threshold of `soft_shrink` and `hard_shrink`, and `threshold`'s default value
    (which also needs `threshold`), as keras.ops passes them.
  }];
  let arguments = (ins Kconv_AnyTensor:$input, Kconv_ActivationAttr:$activation,
                   OptionalAttr<F64Attr>:$alpha, OptionalAttr<F64Attr>:$max_value,
                   OptionalAttr<F64Attr>:$negative_slope, OptionalAttr<F64Attr>:$threshold,
                   OptionalAttr<I64Attr>:$axis);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// True when the op is exactly its named function with Keras's defaults, so
    /// it can become a convolution's `activation`.
    bool isPlainActivation();
    /// softmax, log_softmax, sparsemax and glu: computed along an axis, not element-wise.
    static bool isAlongAxis(Activation kind);
  }];
}

#endif // KCONV_DIALECT_LAYERS_ACTIVATION_TD
