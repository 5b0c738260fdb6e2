// Keras Embedding: the op `kconv.embedding`; its verifier and shape inference are in
// dialect/lib/Layers/Embedding.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_EMBEDDING_TD
#define KCONV_DIALECT_LAYERS_EMBEDDING_TD

def Kconv_EmbeddingOp : Kconv_LayerOp<"embedding"> {
  let summary = "Keras Embedding: each index replaced by its row of a table";
  let description = [{
    `output[..., :] = table[int(input[...]), :]`: the input holds indices as float32
    values, truncated toward zero as Keras casts them to int32; the result has the
    input's shape plus a last axis of `table`'s columns. An index outside
    `[0, rows)` (or not a number) stops the pipeline with an error naming the layer,
    as TensorFlow's gather does on the CPU. `mask_zero` records that index 0 is
    padding; the importer only accepts it where no layer downstream reads the mask.

    ```mlir
    %y = kconv.embedding %x, %table {mask_zero = false}
        : (tensor<?x12xf32>, tensor<1000x16xf32>) -> tensor<?x12x16xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, 2DTensorOf<[F32]>:$table, BoolAttr:$mask_zero);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input `,` $table attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_EMBEDDING_TD
