// Keras BatchNormalization: the op `kconv.batch_norm`; its verifier and shape inference
// are in dialect/lib/Layers/BatchNorm.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_BATCHNORM_TD
#define KCONV_DIALECT_LAYERS_BATCHNORM_TD

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

#endif // KCONV_DIALECT_LAYERS_BATCHNORM_TD
