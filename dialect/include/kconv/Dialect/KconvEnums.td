#ifndef KCONV_ENUMS_TD
#define KCONV_ENUMS_TD

include "kconv/Dialect/KconvDialect.td"
include "mlir/IR/EnumAttr.td"

def Kconv_PaddingKind : I32EnumAttr<"Padding", "Keras padding mode", [
    I32EnumAttrCase<"valid", 0>,
    // TensorFlow 'same': the odd extra row/column goes at the bottom/right.
    I32EnumAttrCase<"same", 1>]> {
  let cppNamespace = "::kconv::dialect";
  let genSpecializedAttr = 0;
}
def Kconv_PaddingAttr : EnumAttr<Kconv_Dialect, Kconv_PaddingKind, "padding"> {
  let assemblyFormat = "`<` $value `>`";
}

def Kconv_DataFormatKind : I32EnumAttr<"DataFormat", "Keras data_format", [
    I32EnumAttrCase<"channels_last", 0>,
    I32EnumAttrCase<"channels_first", 1>]> {
  let cppNamespace = "::kconv::dialect";
  let genSpecializedAttr = 0;
}
def Kconv_DataFormatAttr : EnumAttr<Kconv_Dialect, Kconv_DataFormatKind, "data_format"> {
  let assemblyFormat = "`<` $value `>`";
}

// Keras built-in activations (keras.activations, Keras 2.x and 3.x), with default
// arguments. Where Keras 2 and 3 differ, the Keras 2 meaning has its own case.
def Kconv_ActivationKind : I32EnumAttr<"Activation", "Keras activation function", [
    I32EnumAttrCase<"linear", 0>,
    I32EnumAttrCase<"relu", 1>,
    I32EnumAttrCase<"relu6", 2>,
    I32EnumAttrCase<"leaky_relu", 3>,       // negative_slope 0.2
    I32EnumAttrCase<"elu", 4>,              // alpha 1
    I32EnumAttrCase<"selu", 5>,
    I32EnumAttrCase<"celu", 6>,             // alpha 1
    I32EnumAttrCase<"sigmoid", 7>,
    I32EnumAttrCase<"hard_sigmoid", 8>,     // Keras 3: relu6(x + 3) / 6
    I32EnumAttrCase<"hard_sigmoid_keras2", 9>, // Keras 2: clip(0.2 x + 0.5, 0, 1)
    I32EnumAttrCase<"log_sigmoid", 10>,
    I32EnumAttrCase<"tanh", 11>,
    I32EnumAttrCase<"hard_tanh", 12>,
    I32EnumAttrCase<"tanh_shrink", 13>,
    I32EnumAttrCase<"softplus", 14>,
    I32EnumAttrCase<"softsign", 15>,
    I32EnumAttrCase<"silu", 16>,            // = swish
    I32EnumAttrCase<"hard_silu", 17>,       // = hard_swish: x * relu6(x + 3) / 6
    I32EnumAttrCase<"gelu", 18>,            // exact (erf) form
    I32EnumAttrCase<"mish", 19>,
    I32EnumAttrCase<"exponential", 20>,
    I32EnumAttrCase<"sparse_plus", 21>,
    I32EnumAttrCase<"squareplus", 22>,      // b 4
    I32EnumAttrCase<"soft_shrink", 23>,     // threshold 0.5
    I32EnumAttrCase<"hard_shrink", 24>,     // threshold 0.5
    I32EnumAttrCase<"softmax", 25>,         // over the last axis
    I32EnumAttrCase<"log_softmax", 26>,     // over the last axis
    I32EnumAttrCase<"sparse_sigmoid", 27>,  // clip((x + 1) / 2, 0, 1)
    // Along an axis, as Keras computes it: tau from the sum of the cumulative sums in
    // the support (not the k-th one; Keras issue 23425), output max(x - tau, 0).
    I32EnumAttrCase<"sparsemax", 28>,
    I32EnumAttrCase<"glu", 29>,             // a * sigmoid(b), the axis split in halves
    I32EnumAttrCase<"gelu_tanh", 30>,       // gelu's tanh approximation (keras.ops.gelu's default)
    // keras.ops.threshold: x where x > `threshold`, else `alpha` (the default value).
    I32EnumAttrCase<"threshold", 31>,
    // keras.ops's element-wise math (numpy's Absolute, Square, Sqrt, Negative, Log).
    I32EnumAttrCase<"abs", 32>,
    I32EnumAttrCase<"square", 33>,
    I32EnumAttrCase<"sqrt", 34>,
    I32EnumAttrCase<"negative", 35>,
    I32EnumAttrCase<"log", 36>]> {
  let cppNamespace = "::kconv::dialect";
  let genSpecializedAttr = 0;
}
def Kconv_ActivationAttr : EnumAttr<Kconv_Dialect, Kconv_ActivationKind, "activation"> {
  let assemblyFormat = "`<` $value `>`";
}

def Kconv_PoolKindKind : I32EnumAttr<"PoolKind", "Keras pooling reduction", [
    I32EnumAttrCase<"max", 0>,
    // Keras/TF: the mean over the window's positions inside the input.
    I32EnumAttrCase<"average", 1>]> {
  let cppNamespace = "::kconv::dialect";
  let genSpecializedAttr = 0;
}
def Kconv_PoolKindAttr : EnumAttr<Kconv_Dialect, Kconv_PoolKindKind, "pool_kind"> {
  let assemblyFormat = "`<` $value `>`";
}

def Kconv_MergeKindKind : I32EnumAttr<"MergeKind", "Keras element-wise merge layer", [
    I32EnumAttrCase<"add", 0>,
    I32EnumAttrCase<"subtract", 1>,
    I32EnumAttrCase<"multiply", 2>,
    I32EnumAttrCase<"average", 3>,
    I32EnumAttrCase<"maximum", 4>,
    I32EnumAttrCase<"minimum", 5>]> {
  let cppNamespace = "::kconv::dialect";
  let genSpecializedAttr = 0;
}
def Kconv_MergeKindAttr : EnumAttr<Kconv_Dialect, Kconv_MergeKindKind, "merge_kind"> {
  let assemblyFormat = "`<` $value `>`";
}

def Kconv_InterpolationKind : I32EnumAttr<"Interpolation", "UpSampling2D interpolation", [
    I32EnumAttrCase<"nearest", 0>,
    I32EnumAttrCase<"bilinear", 1>]> {
  let cppNamespace = "::kconv::dialect";
  let genSpecializedAttr = 0;
}
def Kconv_InterpolationAttr : EnumAttr<Kconv_Dialect, Kconv_InterpolationKind, "interpolation"> {
  let assemblyFormat = "`<` $value `>`";
}

def Kconv_ResizeMethodKind : I32EnumAttr<"ResizeMethod", "Resizing interpolation", [
    I32EnumAttrCase<"nearest", 0>,
    I32EnumAttrCase<"bilinear", 1>,
    I32EnumAttrCase<"bicubic", 2>]> {
  let cppNamespace = "::kconv::dialect";
  let genSpecializedAttr = 0;
}
def Kconv_ResizeMethodAttr : EnumAttr<Kconv_Dialect, Kconv_ResizeMethodKind, "resize_method"> {
  let assemblyFormat = "`<` $value `>`";
}

def Kconv_RecurrentCellKind : I32EnumAttr<"RecurrentCell", "Keras recurrent cell", [
    I32EnumAttrCase<"simple_rnn", 0>, // one gate
    I32EnumAttrCase<"gru", 1>,        // gates z, r, h
    I32EnumAttrCase<"lstm", 2>]> {    // gates i, f, c, o
  let cppNamespace = "::kconv::dialect";
  let genSpecializedAttr = 0;
}
def Kconv_RecurrentCellAttr : EnumAttr<Kconv_Dialect, Kconv_RecurrentCellKind, "recurrent_cell"> {
  let assemblyFormat = "`<` $value `>`";
}

def Kconv_CategoryEncodingModeKind : I32EnumAttr<"CategoryEncodingMode",
    "CategoryEncoding output_mode", [
    I32EnumAttrCase<"one_hot", 0>,   // a row per id
    I32EnumAttrCase<"multi_hot", 1>, // a row per sample: which ids occur
    I32EnumAttrCase<"count", 2>]> {  // a row per sample: how often each id occurs
  let cppNamespace = "::kconv::dialect";
  let genSpecializedAttr = 0;
}
def Kconv_CategoryEncodingModeAttr : EnumAttr<Kconv_Dialect, Kconv_CategoryEncodingModeKind,
                                              "category_encoding_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // KCONV_ENUMS_TD
