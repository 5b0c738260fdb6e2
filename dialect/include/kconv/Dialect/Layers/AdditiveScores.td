// The additive attention scores of Keras's AdditiveAttention and Attention with
// score_mode="concat": the op `kconv.additive_scores`; its verifier and shape inference
// are in dialect/lib/Layers/AdditiveScores.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_ADDITIVESCORES_TD
#define KCONV_DIALECT_LAYERS_ADDITIVESCORES_TD

def Kconv_AdditiveScoresOp : Kconv_LayerOp<"additive_scores"> {
  let summary = "Additive attention scores of a query and a key";
  let description = [{
    `query` (batch..., Tq, dim) and `key` (batch..., Tv, dim) of one rank (at least
    3, the leading axes batch axes that agree): entry (i, j) of the result
    (batch..., Tq, Tv) is
    `outer_scale * sum_d weights[d] * tanh(inner_scale * (query[i, d] + key[j, d]))`,
    `weights` 1 when absent. AdditiveAttention has the weights (its `scale`),
    Attention with score_mode="concat" the scales. With `causal_mask`, entries
    with j > i are -1e9 (Keras's causal mask before the softmax).

    ```mlir
    %s = kconv.additive_scores %q, %k, %w {causal_mask = false, inner_scale = 1.0 : f64,
        outer_scale = 1.0 : f64}
        : (tensor<?x5x4xf32>, tensor<?x7x4xf32>, tensor<4xf32>) -> tensor<?x5x7xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$query, Kconv_AnyTensor:$key,
                   Optional<1DTensorOf<[F32]>>:$weights, F64Attr:$inner_scale,
                   F64Attr:$outer_scale, BoolAttr:$causal_mask);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $query `,` $key (`,` $weights^)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KCONV_DIALECT_LAYERS_ADDITIVESCORES_TD
