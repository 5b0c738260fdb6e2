// Keras CategoryEncoding: the op `kconv.category_encoding`; its verifier and shape
// inference are in dialect/lib/Layers/CategoryEncoding.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_CATEGORY_ENCODING_TD
#define KCONV_DIALECT_LAYERS_CATEGORY_ENCODING_TD

def Kconv_CategoryEncodingOp : Kconv_LayerOp<"category_encoding"> {
  let summary = "Keras CategoryEncoding: integer ids to one-hot, multi-hot or count rows";
  let description = [{
    The input holds ids as float32 values, truncated toward zero as Keras casts them to
    integers; each must lie in `[0, num_tokens)`, or the pipeline stops with an error
    naming the layer (Keras asserts the same range).

    - `one_hot`: `output[..., t] = (id == t)` for each id. A last input axis of size 1
      (with a batch axis before it) is replaced by the `num_tokens` axis, else that
      axis is appended: `(N, 1)` and `(N)` both give `(N, num_tokens)`.
    - `multi_hot`: the last input axis is a sample's ids; `output[..., t]` is 1 where
      any of them is `t`, else 0.
    - `count`: likewise, the number of the sample's ids equal to `t` (Keras allows
      inputs of rank 2 at most here).

    ```mlir
    %y = kconv.category_encoding %x {num_tokens = 10 : i64,
        mode = #kconv.category_encoding_mode<multi_hot>}
        : (tensor<?x4xf32>) -> tensor<?x10xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, I64Attr:$num_tokens,
                       Kconv_CategoryEncodingModeAttr:$mode);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_CATEGORY_ENCODING_TD
