// Keras Masking's mask: the op `kconv.sequence_mask`; its verifier and shape inference
// are in dialect/lib/Layers/SequenceMask.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_SEQUENCEMASK_TD
#define KCONV_DIALECT_LAYERS_SEQUENCEMASK_TD

def Kconv_SequenceMaskOp : Kconv_LayerOp<"sequence_mask"> {
  let summary = "Keras Masking's mask: which steps hold a value other than mask_value";
  let description = [{
    Over a `(batch, steps, features)` input, `(batch, steps)`: 1 where any feature of
    the step differs from `mask_value` (a NaN differs from everything), else 0, as
    Keras's Masking computes its mask (`any(x != mask_value, axis=-1)`). The layers
    reading Keras masks (recurrent layers, GlobalAveragePooling1D) keep the steps
    where it is not 0.

    ```mlir
    %m = kconv.sequence_mask %x {mask_value = 0.0 : f64}
        : (tensor<?x12x8xf32>) -> tensor<?x12xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, F64Attr:$mask_value);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_SEQUENCEMASK_TD
