// Keras layers other than Conv2D. Each op keeps its layer's arguments; shapes are
// Keras's own (batch first, in the layer's data_format), the batch may be `?`.
#ifndef KCONV_LAYER_OPS_TD
#define KCONV_LAYER_OPS_TD

def Kconv_DenseOp : Kconv_LayerOp<"dense"> {
  let summary = "Keras Dense layer (on the last axis)";
  let description = [{
    `activation(input . kernel + bias)` over the last axis; `kernel` is
    `(input features, units)`, `bias` is present exactly when `use_bias`.
  }];
  let arguments = (ins Kconv_AnyTensor:$input, 2DTensorOf<[F32]>:$kernel,
                   Optional<1DTensorOf<[F32]>>:$bias,
                   ConfinedAttr<I64Attr, [IntPositive]>:$units,
                   Kconv_ActivationAttr:$activation, BoolAttr:$use_bias);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $input `,` $kernel (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

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

def Kconv_BatchNormOp : Kconv_LayerOp<"batch_norm"> {
  let summary = "Keras BatchNormalization at inference";
  let description = [{
    `gamma * (input - mean) / sqrt(variance + epsilon) + beta` along `axis`
    (non-negative, never the batch). Without `scale`/`center` in Keras, the
    importer passes gamma = 1 / beta = 0 and records the flags.
    `--kconv-fold-batch-norm` folds it into a preceding convolution.
  }];
  let arguments = (ins Kconv_AnyTensor:$input, 1DTensorOf<[F32]>:$gamma,
                   1DTensorOf<[F32]>:$beta, 1DTensorOf<[F32]>:$moving_mean,
                   1DTensorOf<[F32]>:$moving_variance,
                   ConfinedAttr<I64Attr, [IntPositive]>:$axis, F64Attr:$epsilon,
                   BoolAttr:$center, BoolAttr:$scale);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta `,` $moving_mean `,` $moving_variance attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kconv_LayerNormOp : Kconv_LayerOp<"layer_norm"> {
  let summary = "Keras LayerNormalization over the last axis";
  let description = [{
    Per position, over the last `axis` (the channels): `mean`, then `variance`
    as the mean of squared deviations, in float32 as Keras computes them; the
    result is `(input - mean) * rsqrt(variance + epsilon) * gamma + beta`. With
    `rms_scaling` (Keras 3) it is `input * rsqrt(variance + epsilon) * gamma`
    (the variance still mean-centred, no beta). Without `scale`/`center`, the
    importer passes gamma = 1 / beta = 0 and records the flags.

    ```mlir
    %y = kconv.layer_norm %x, %gamma, %beta {axis = 3 : i64, epsilon = 1.0e-06 : f64,
        center = true, scale = true, rms_scaling = false}
        : (tensor<1x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, 1DTensorOf<[F32]>:$gamma,
                   1DTensorOf<[F32]>:$beta, ConfinedAttr<I64Attr, [IntPositive]>:$axis,
                   F64Attr:$epsilon, BoolAttr:$center, BoolAttr:$scale, BoolAttr:$rms_scaling);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta attr-dict `:` functional-type(operands, results)
  }];
}

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

def Kconv_GlobalPool2DOp : Kconv_LayerOp<"global_pool2d"> {
  let summary = "Keras GlobalAveragePooling2D / GlobalMaxPooling2D";
  let arguments = (ins Kconv_AnyTensor:$input, Kconv_PoolKindAttr:$kind,
                   Kconv_DataFormatAttr:$data_format, BoolAttr:$keepdims);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kconv_ActivationOp : Kconv_LayerOp<"activation"> {
  let summary = "Keras Activation, ReLU, LeakyReLU, ELU and Softmax layers";
  let description = [{
    An element-wise activation, or softmax/log_softmax along `axis`. The layer
    arguments refine the named function: `relu` with `max_value`,
    `negative_slope` and `threshold` is the Keras `ReLU` layer; `leaky_relu`
    and `elu` take `alpha`.
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
  }];
}

def Kconv_PReluOp : Kconv_LayerOp<"prelu"> {
  let summary = "Keras PReLU layer";
  let description = [{
    `x >= 0 ? x : alpha * x`, with `alpha` of the input's shape without the
    batch, 1 along Keras's `shared_axes` (broadcast).
  }];
  let arguments = (ins Kconv_AnyTensor:$input, Kconv_AnyTensor:$alpha);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input `,` $alpha attr-dict `:` functional-type(operands, results)";
}

def Kconv_MergeOp : Kconv_LayerOp<"merge"> {
  let summary = "Keras Add, Subtract, Multiply, Average, Maximum, Minimum";
  let description = [{
    Element-wise over its inputs (`subtract` takes exactly two), broadcast as
    Keras's merge layers do: the batch sizes agree, the other axes are aligned
    from the last and a size of 1 stretches to the other's size; an input of
    lower rank gains size-1 axes after the batch (Keras expands it at axis 1).
    A squeeze-and-excite block multiplies `(N, H, W, C)` by `(N, 1, 1, C)`.

    ```mlir
    %y = kconv.merge %x, %s {kind = #kconv.merge_kind<multiply>}
        : (tensor<1x8x8x16xf32>, tensor<1x1x1x16xf32>) -> tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins Variadic<Kconv_AnyTensor>:$inputs, Kconv_MergeKindAttr:$kind);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

def Kconv_ConcatenateOp : Kconv_LayerOp<"concatenate"> {
  let summary = "Keras Concatenate";
  let arguments = (ins Variadic<Kconv_AnyTensor>:$inputs,
                   ConfinedAttr<I64Attr, [IntPositive]>:$axis);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

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

def Kconv_Crop2DOp : Kconv_LayerOp<"crop2d"> {
  let summary = "Keras Cropping2D";
  let description = "`cropping` is (top, bottom, left, right).";
  let arguments = (ins Kconv_AnyTensor:$input, DenseI64ArrayAttr:$cropping,
                   Kconv_DataFormatAttr:$data_format);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

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

def Kconv_ReshapeOp : Kconv_LayerOp<"reshape"> {
  let summary = "Keras Reshape and Flatten (row-major)";
  let description = "`shape` is the new shape without the batch dimension.";
  let arguments = (ins Kconv_AnyTensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kconv_TransposeOp : Kconv_LayerOp<"transpose"> {
  let summary = "Keras Permute, and the layout pass's conversions";
  let description = [{
    `permutation` lists, for each result dimension, the input dimension it
    takes (0-based, batch included; the batch stays first).
  }];
  let arguments = (ins Kconv_AnyTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// True when every dimension stays in place.
    bool isIdentity();
  }];
}

def Kconv_RescaleOp : Kconv_LayerOp<"rescale"> {
  let summary = "Keras Rescaling: input * scale + offset";
  let arguments = (ins Kconv_AnyTensor:$input, F64Attr:$scale, F64Attr:$offset);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kconv_IdentityOp : Kconv_LayerOp<"identity"> {
  let summary = "A layer that is the identity at inference";
  let description = [{
    Dropout, SpatialDropout2D, GaussianNoise and friends; `layer_class` keeps
    the Keras class. `--kconv-eliminate-identity` removes them.
  }];
  let arguments = (ins Kconv_AnyTensor:$input, StrAttr:$layer_class);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_LAYER_OPS_TD
