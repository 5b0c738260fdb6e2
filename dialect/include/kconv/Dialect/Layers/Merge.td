// Keras Add, Subtract, Multiply, Average, Maximum and Minimum: the op `kconv.merge`;
// its verifier and shape inference are in dialect/lib/Layers/Merge.cpp. Included by
// KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_MERGE_TD
#define KCONV_DIALECT_LAYERS_MERGE_TD

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

#endif // KCONV_DIALECT_LAYERS_MERGE_TD
