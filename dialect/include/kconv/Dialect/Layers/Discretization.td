// Keras Discretization: the op `kconv.discretization`; its verifier and shape inference
// are in dialect/lib/Layers/Discretization.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_DISCRETIZATION_TD
#define KCONV_DIALECT_LAYERS_DISCRETIZATION_TD

def Kconv_DiscretizationOp : Kconv_LayerOp<"discretization"> {
  let summary = "Keras Discretization: each value's bucket among sorted boundaries";
  let description = [{
    `output = #{i : x >= bin_boundaries[i]}`, the bucket index Keras's digitize (and
    TensorFlow's Bucketize) gives, as a float32: 0 below the first boundary,
    `len(bin_boundaries)` from the last on. The boundaries are compared in float32
    and must not decrease. Keras's other output modes are a `kconv.category_encoding`
    of this result.

    ```mlir
    %y = kconv.discretization %x {bin_boundaries = array<f64: -0.5, 0.0, 1.5>}
        : (tensor<?x4xf32>) -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, DenseF64ArrayAttr:$bin_boundaries);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_DISCRETIZATION_TD
