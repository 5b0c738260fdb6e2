// Keras Conv2D (and, through the importer, DepthwiseConv2D, SeparableConv2D, Conv1D):
// the op `kconv.conv2d`; its verifier and shape inference are in
// dialect/lib/Layers/Conv2D.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_CONV2D_TD
#define KCONV_DIALECT_LAYERS_CONV2D_TD

def Kconv_Conv2DOp : Kconv_Op<"conv2d", [Pure, AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<Kconv_InferShapeOpInterface>]> {
  let summary = "Keras Conv2D layer";
  let description = [{
    A 2-D convolution with the meaning of `keras.layers.Conv2D`: `kernel` is
    `(KH, KW, Cin / groups, filters)`, `bias` is `(filters)` and present exactly
    when `use_bias` is true. `padding = same` is TensorFlow's padding (the odd
    extra row/column at the bottom/right); `explicit_padding` (top, bottom,
    left, right), once set by `--kconv-resolve-padding`, takes precedence;
    `schedule`, when set (by the tuner or `--schedule`), fixes how codegen
    computes the layer, and `gpu_schedule` how it does on a GPU target. `residual`, set by `--kconv-fuse-epilogue`, is a tensor
    of the result's shape added before the activation (a following Keras `Add`
    fused into the convolution).
    Initializer, regularizer and constraint specifications are kept as given
    in the Keras file; they do not change inference.

    ```mlir
    %y = kconv.conv2d %x, %k, %b {activation = #kconv.activation<relu>,
           data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>,
           filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>,
           padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = true}
         : (tensor<?x32x32x16xf32>, tensor<3x3x16x32xf32>, tensor<32xf32>) -> tensor<?x32x32x32xf32>
    ```
  }];

  let arguments = (ins
    Kconv_Tensor4D:$input,
    Kconv_Tensor4D:$kernel,
    Optional<1DTensorOf<[F32]>>:$bias,
    Optional<Kconv_Tensor4D>:$residual,
    ConfinedAttr<I64Attr, [IntPositive]>:$filters,
    DenseI64ArrayAttr:$kernel_size,
    DenseI64ArrayAttr:$strides,
    Kconv_PaddingAttr:$padding,
    Kconv_DataFormatAttr:$data_format,
    DenseI64ArrayAttr:$dilation_rate,
    ConfinedAttr<I64Attr, [IntPositive]>:$groups,
    Kconv_ActivationAttr:$activation,
    BoolAttr:$use_bias,
    OptionalAttr<DenseI64ArrayAttr>:$explicit_padding,
    OptionalAttr<Kconv_ScheduleAttr>:$schedule,
    OptionalAttr<Kconv_GpuScheduleAttr>:$gpu_schedule,
    OptionalAttr<AnyAttr>:$kernel_initializer,
    OptionalAttr<AnyAttr>:$bias_initializer,
    OptionalAttr<AnyAttr>:$kernel_regularizer,
    OptionalAttr<AnyAttr>:$bias_regularizer,
    OptionalAttr<AnyAttr>:$activity_regularizer,
    OptionalAttr<AnyAttr>:$kernel_constraint,
    OptionalAttr<AnyAttr>:$bias_constraint
  );
  let results = (outs Kconv_Tensor4D:$output);

  let assemblyFormat = [{
    $input `,` $kernel (`,` $bias^)? (`residual` $residual^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;

  let extraClassDeclaration = [{
    /// Padding (top, bottom, left, right): explicit_padding if set, else derived
    /// from `padding` and the static input size. Fails for a dynamic spatial size
    /// under 'same' padding.
    ::mlir::FailureOr<::llvm::SmallVector<int64_t, 4>> getResolvedPadding();
    /// The checks of a schedule attribute that need the layer (verify() runs them).
    ::mlir::LogicalResult verifyScheduleFits(ScheduleAttr schedule, int64_t inChannels,
                                             int64_t cinPerGroup);
  }];
}

#endif // KCONV_DIALECT_LAYERS_CONV2D_TD
