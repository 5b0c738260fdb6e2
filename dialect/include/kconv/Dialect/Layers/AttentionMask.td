// Keras's attention masks applied to attention scores: the op `kconv.attention_mask`;
// its verifier and shape inference are in dialect/lib/Layers/AttentionMask.cpp.
// Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_ATTENTIONMASK_TD
#define KCONV_DIALECT_LAYERS_ATTENTIONMASK_TD

def Kconv_AttentionMaskOp : Kconv_LayerOp<"attention_mask", [AttrSizedOperandSegments]> {
  let summary = "Keras's attention mask added to attention scores";
  let description = [{
    `scores` is `(batch, heads, queries, keys)`. Entry `(b, h, t, s)` is kept
    where every given mask keeps it: `query_mask[b, t]`, `value_mask[b, s]`,
    `key_mask[b, s]` and `attention_mask[b, t, s]` not zero (the Keras masks of
    MultiHeadAttention's inputs, and its `attention_mask` call argument), and, with
    `causal`, `s <= t`. Every other entry gets -1e9 added in float32, as Keras's
    Softmax adds `(1 - mask) * -1e9` before the softmax: masked keys then weigh
    nothing, and a row with no kept entry rounds to equal scores (a uniform
    softmax, as Keras computes it). With `zero_masked`, on the probabilities
    after the softmax, every other entry is 0 instead (Keras 3.10 and later zero
    them when the layer has a dropout, so a row with no kept entry is all 0).
    At least one mask, or `causal`, is given.

    ```mlir
    %m = kconv.attention_mask %scores query(%ids) value(%ids) {causal = false,
        zero_masked = false}
        : (tensor<?x2x6x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x2x6x6xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$scores, Optional<Kconv_AnyTensor>:$query_mask,
                   Optional<Kconv_AnyTensor>:$value_mask, Optional<Kconv_AnyTensor>:$key_mask,
                   Optional<Kconv_AnyTensor>:$attention_mask, BoolAttr:$causal,
                   BoolAttr:$zero_masked);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $scores (`query` `(` $query_mask^ `)`)? (`value` `(` $value_mask^ `)`)?
    (`key` `(` $key_mask^ `)`)? (`attention` `(` $attention_mask^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KCONV_DIALECT_LAYERS_ATTENTIONMASK_TD
