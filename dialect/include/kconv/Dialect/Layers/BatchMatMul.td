// The batched matrix product of two activations (attention's scores and context):
// the op `kconv.batch_matmul`; its verifier and shape inference are in
// dialect/lib/Layers/BatchMatMul.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_BATCHMATMUL_TD
#define KCONV_DIALECT_LAYERS_BATCHMATMUL_TD

def Kconv_BatchMatMulOp : Kconv_LayerOp<"batch_matmul"> {
  let summary = "Batched matrix product of two activations";
  let description = [{
    `lhs` and `rhs` have the same rank (at least 3): every axis but the last two
    is a batch axis (the first is the model's batch) and the two agree on them.
    Per batch index, the result is `op(lhs) . op(rhs)`, where `op` transposes
    the last two axes of an operand whose `transpose_*` flag is set. With
    `causal_mask`, entry (i, j) of each product with j > i is -1e9 instead
    (Keras's causal attention mask, added to the scores before the softmax).

    ```mlir
    %s = kconv.batch_matmul %q, %k {causal_mask = false, transpose_lhs = false,
        transpose_rhs = true}
        : (tensor<?x2x5x4xf32>, tensor<?x2x7x4xf32>) -> tensor<?x2x5x7xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$lhs, Kconv_AnyTensor:$rhs, BoolAttr:$transpose_lhs,
                   BoolAttr:$transpose_rhs, BoolAttr:$causal_mask);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KCONV_DIALECT_LAYERS_BATCHMATMUL_TD
