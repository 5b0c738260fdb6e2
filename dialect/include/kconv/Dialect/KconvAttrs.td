#ifndef KCONV_ATTRS_TD
#define KCONV_ATTRS_TD

include "kconv/Dialect/KconvDialect.td"
include "kconv/Dialect/KconvEnums.td"
include "mlir/IR/AttrTypeBase.td"

def Kconv_ScheduleAttr : AttrDef<Kconv_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "How a convolution is computed: its Halide schedule, as data";
  let description = [{
    The output is tiled `tile_x` columns by `tile_y` rows by
    `vectors * vector_width` lanes of the vectorized dimension (`channels` or
    `width`); one tile's accumulators stay in registers while the reduction
    (input channels x kernel taps) runs, and rows x batch are spread over
    threads when `parallel`. With `stage_input`, the zero-padded input is
    copied once per band of rows (no boundary checks in the inner loop). With
    `channels_outer`, blocks of output channels are the outermost loop, so one
    block's weights stay in cache across the whole image (large Cin x Cout).
    With `trim_columns` (optional, default false), the multiply-adds of kernel
    columns that fall on zero padding are skipped in the border tiles, as those
    of kernel rows always are (the `kconv.conv2d` verifier rejects it with one
    input channel per group: nothing to trim). With `unroll_taps` (optional,
    default false), the kernel taps of a reduction over taps alone (one input
    channel per group: depthwise, or a single-channel input) are unrolled, so a
    tile's input vectors are loaded once and shared by the taps that read them
    and the taps' weights stay in registers (the verifier rejects it with more
    than one input channel per group). With `winograd` = 2 or 4 (optional,
    default 0: direct), a 3x3 stride-1 convolution is computed by Winograd's
    F(m x m, 3 x 3): input tiles of (m+2)^2 are transformed, multiplied by the
    weights transformed at compile time (one product over the input channels per
    transformed tap, with `vectors` channel vectors x `tile_x` Winograd tiles in
    registers) and transformed back into m x m outputs; `tile_y` must be 1 and
    the direct form's flags false (the `kconv.conv2d` verifier also asks for a
    3x3 undilated stride-1 kernel, one group and filters in whole channel
    blocks). It also rejects a tile larger than the
    output (all checked by `kconv::scheduleError`). The tuner writes it, `--schedule=FILE` forces it, and codegen
    follows it exactly.

    ```mlir
    #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 6, tile_y = 1, parallel = true, stage_input = true, channels_outer = false>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"`channels` or `width`">:$vectorize,
    "int64_t":$vector_width,
    "int64_t":$vectors,
    "int64_t":$tile_x,
    "int64_t":$tile_y,
    "bool":$parallel,
    "bool":$stage_input,
    "bool":$channels_outer,
    DefaultValuedParameter<"bool", "false">:$trim_columns,
    DefaultValuedParameter<"bool", "false">:$unroll_taps,
    DefaultValuedParameter<"int64_t", "0">:$winograd
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The schedule as plain data (kconv/Support/Schedule.h), which also defines
    /// its legality.
    ::kconv::Conv2DSchedule getSchedule() const;
    static ScheduleAttr get(::mlir::MLIRContext *context,
                            const ::kconv::Conv2DSchedule &schedule);
  }];
}

def Kconv_GpuScheduleAttr : AttrDef<Kconv_Dialect, "GpuSchedule"> {
  let mnemonic = "gpu_schedule";
  let summary = "How a convolution is computed on a GPU: its Halide schedule, as data";
  let description = [{
    Each GPU thread accumulates a register tile of `tile_c` output channels x
    `tile_x` columns x `tile_y` rows over the whole reduction; a block holds
    `threads_c` x `threads_x` threads along the channels and the columns, and
    the rows and images are the blocks' third dimension. The verifier rejects
    fields below 1, more than 32 accumulators per thread, threads that are not
    powers of two or more than 1024 per block, and (the `kconv.conv2d`
    verifier) a tile larger than the output: all checked by
    `kconv::gpuScheduleError`. kconvc writes it for a GPU target (the default
    or a `--schedule` file's), and codegen follows it exactly.

    ```mlir
    #kconv.gpu_schedule<tile_c = 1, tile_x = 2, tile_y = 2, threads_c = 32, threads_x = 1>
    ```
  }];
  let parameters = (ins
    "int64_t":$tile_c,
    "int64_t":$tile_x,
    "int64_t":$tile_y,
    "int64_t":$threads_c,
    "int64_t":$threads_x
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The schedule as plain data (kconv/Support/Schedule.h).
    ::kconv::GpuConvSchedule getSchedule() const;
    static GpuScheduleAttr get(::mlir::MLIRContext *context,
                               const ::kconv::GpuConvSchedule &schedule);
  }];
}

#endif // KCONV_ATTRS_TD
