/* kconv runtime: the small C library that code compiled by kconvc links against.
 *
 * Tensors are dense float32 arrays in row-major (C) order, shaped like NumPy arrays:
 * the batch dimension first, then the model's own data_format (NHWC or NCHW).
 * Every function returns a kconv_status; on failure kconv_last_error() holds one
 * human-readable message (per thread) naming the file, tensor and problem.
 * Nothing here aborts or exits. */
#ifndef KCONV_RUNTIME_H
#define KCONV_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define KCONV_API __attribute__((visibility("default")))
#else
#define KCONV_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kconv_status {
  KCONV_OK = 0,
  KCONV_ERROR_IO = 1,       /* a file could not be opened, read, written or renamed */
  KCONV_ERROR_FORMAT = 2,   /* a file is not what it claims to be (bad .npy header, truncated) */
  KCONV_ERROR_DTYPE = 3,    /* element type is not float32, or Fortran order */
  KCONV_ERROR_SHAPE = 4,    /* a tensor's shape does not match what the model expects */
  KCONV_ERROR_ARGUMENT = 5, /* invalid argument (NULL pointer, bad rank, bad command line) */
  KCONV_ERROR_MEMORY = 6,   /* allocation failed or sizes overflow */
  KCONV_ERROR_PIPELINE = 7  /* the compiled pipeline reported an error */
} kconv_status;

/* A stable short name for a status code, e.g. "shape mismatch". */
KCONV_API const char *kconv_status_name(kconv_status status);
/* The message recorded by the last failing call on this thread ("" if none). */
KCONV_API const char *kconv_last_error(void);

#define KCONV_MAX_RANK 8

/* A float32 tensor: its shape and a pointer to its elements. kconv_tensor_create and
 * kconv_npy_read allocate (and own) the elements; kconv_tensor_wrap refers to the
 * caller's memory instead. Release either kind with kconv_tensor_destroy. */
typedef struct kconv_tensor kconv_tensor;

/* Allocates a zero-filled tensor (64-byte aligned data). rank in [0, KCONV_MAX_RANK],
 * every dimension >= 0; fails on overflow. */
KCONV_API kconv_status kconv_tensor_create(int rank, const int64_t *shape, kconv_tensor **out);
/* Describes the caller's `data` (row-major float32, at least as many elements as the
 * shape holds, any alignment) as a tensor without copying it: a compiled model reads
 * its inputs from there and writes its outputs there. The caller keeps `data` alive
 * until kconv_tensor_destroy, which frees only the tensor, never `data`. NULL `data`
 * is allowed only for a shape with no elements. */
KCONV_API kconv_status kconv_tensor_wrap(int rank, const int64_t *shape, float *data,
                                         kconv_tensor **out);
/* Frees the tensor and, unless it wraps the caller's memory, its data; NULL is allowed. */
KCONV_API void kconv_tensor_destroy(kconv_tensor *tensor);
KCONV_API int kconv_tensor_rank(const kconv_tensor *tensor);
/* Pointer to `rank` dimensions, valid while the tensor lives. */
KCONV_API const int64_t *kconv_tensor_shape(const kconv_tensor *tensor);
KCONV_API int64_t kconv_tensor_num_elements(const kconv_tensor *tensor);
/* Row-major element data, valid while the tensor lives. */
KCONV_API float *kconv_tensor_data(kconv_tensor *tensor);
KCONV_API const float *kconv_tensor_const_data(const kconv_tensor *tensor);

/* Reads a float32 .npy file (format 1.0, 2.0 or 3.0; little- or big-endian '<f4'/'>f4';
 * C order). The header is validated against the file size before anything large is
 * allocated. */
KCONV_API kconv_status kconv_npy_read(const char *path, kconv_tensor **out);
/* Parses an in-memory .npy image; `name` is used in messages. */
KCONV_API kconv_status kconv_npy_parse(const void *bytes, size_t size, const char *name,
                                       kconv_tensor **out);
/* Writes a little-endian float32 .npy file. A regular (or new) file is written atomically:
 * to a temporary name in the same directory, every write and the close checked, then
 * renamed over `path` (through a symlink, over the file it names); no partial file is
 * left on failure. An existing device or FIFO (/dev/stdout, /dev/null) is written in
 * place, never replaced; a write error there (a full device) is an error too. */
KCONV_API kconv_status kconv_npy_write(const char *path, const kconv_tensor *tensor);

/* ---- Compiled models ------------------------------------------------------------
 * kconvc emits, next to the pipeline, a `kconv_model` descriptor for each model. */

typedef struct kconv_tensor_info {
  const char *name;      /* the Keras layer (input) or layer (output) name */
  int rank;
  const int64_t *shape;  /* -1 marks the batch dimension: any size, taken from input 0 */
  const char *data_format; /* "channels_last" or "channels_first" */
} kconv_tensor_info;

/* The runtime's ABI: the layout of kconv_model and the calls generated code makes.
 * The runtime defines kconv_runtime_abi_v<KCONV_RUNTIME_ABI> and every descriptor
 * kconvc emits points at it, so code compiled by a kconvc of another ABI fails to link
 * against this runtime ("undefined reference to `kconv_runtime_abi_v1'"), instead of
 * reading a descriptor of another layout at run time. */
#define KCONV_RUNTIME_ABI 1
#define KCONV_RUNTIME_ABI_SYMBOL kconv_runtime_abi_v1
KCONV_API extern const int KCONV_RUNTIME_ABI_SYMBOL;

typedef struct kconv_model {
  const char *name;
  int num_inputs;
  const kconv_tensor_info *inputs;
  int num_outputs;
  const kconv_tensor_info *outputs;
  /* Halide's argv-style entry point: inputs, then outputs, as halide_buffer_t*. */
  int (*pipeline_argv)(void **args);
  const char *kconv_version; /* the kconv that compiled the model, e.g. "0.1.0" */
  const char *target;        /* the Halide target its code was compiled for */
  const int *runtime_abi;    /* &KCONV_RUNTIME_ABI_SYMBOL of the runtime it was built for */
} kconv_model;

/* Checks one input against the model's expectation (rank, dimensions, batch >= 1). */
KCONV_API kconv_status kconv_model_check_input(const kconv_model *model, int index,
                                               const kconv_tensor *tensor, const char *source);
/* Allocates the outputs for the given (checked) inputs. */
KCONV_API kconv_status kconv_model_create_outputs(const kconv_model *model,
                                                  kconv_tensor *const *inputs,
                                                  kconv_tensor **outputs);
/* Checks the inputs and output shapes, then runs the pipeline. Thread-safe: several
 * threads may run the same or different models at once (each call with its own
 * tensors); the runtime's shared state (thread count, buffer cache) is atomic or
 * locked, and the compiled pipelines keep none. */
KCONV_API kconv_status kconv_model_run(const kconv_model *model, kconv_tensor *const *inputs,
                                       kconv_tensor *const *outputs);

/* Runs the model on the caller's row-major float32 arrays, without kconv_tensor
 * handles: inputs[i] and outputs[i] are shaped as the descriptor says, with `batch`
 * for its batch dimension (-1). Checks and errors as kconv_model_run. */
KCONV_API kconv_status kconv_model_run_arrays(const kconv_model *model, int64_t batch,
                                              const float *const *inputs,
                                              float *const *outputs);

/* Runs the model on Halide buffers as the caller holds them (inputs, then outputs, each
 * float32 and shaped as the descriptor says, dimension 0 the innermost): for callers
 * whose data is on the GPU already. An input on the device (its `device` field and
 * interface set, e.g. by halide_cuda_wrap_device_ptr or halide_opencl_wrap_cl_mem from
 * Halide's runtime headers) is read there, and a host one is copied to the device if it
 * is flagged host-dirty; an output with a device allocation is written there and left
 * device-dirty (halide_copy_to_host reads it back), else Halide allocates one for it,
 * which the caller releases with halide_device_free. No copy is made by kconv.
 * Checks and errors as kconv_model_run. */
struct halide_buffer_t;
KCONV_API kconv_status kconv_model_run_buffers(const kconv_model *model,
                                               struct halide_buffer_t *const *buffers);

/* Threads for the pipelines' parallel loops (OpenMP, each thread starts on the same
 * share of a loop every run, and helps a slower thread with its share when done);
 * 0 or less: OMP_NUM_THREADS, else every core. Process-wide; each concurrent run
 * gets a team of this many threads. */
KCONV_API void kconv_set_num_threads(int threads);
/* The threads a parallel loop runs on at most: the kconv_set_num_threads request (else
 * OpenMP's default), capped at the cores this process may run on, since more only wait
 * for one another (unless the environment sets KCONV_OVERSUBSCRIBE=1). */
KCONV_API int kconv_get_num_threads(void);
/* How the pipelines run their parallel loops (kconv_model_run installs it as Halide's
 * do_par_for); exposed for hosts that run Halide pipelines of their own this way.
 * Returns the first failing task's code; its message (kconv_last_error() of the thread
 * that ran it) becomes the calling thread's. */
KCONV_API int kconv_parallel_for(void *user_context, int (*task)(void *, int, uint8_t *), int min,
                                 int size, uint8_t *closure);

/* The pipelines' heap buffers (intermediate tensors). A run frees them when it
 * returns and the next run asks for the same sizes: the large ones (64 KB and up)
 * are kept for it instead of going back to the system, whose fresh pages cost a
 * page fault each 4 KB (kconv_model_run installs these as Halide's allocator). At
 * most 32 blocks and 1 GB are kept; kconv_release_buffers frees them. */
KCONV_API void *kconv_buffer_malloc(void *user_context, size_t size);
KCONV_API void kconv_buffer_free(void *user_context, void *data);
KCONV_API void kconv_release_buffers(void);
typedef struct kconv_buffer_stats {
  size_t cached_bytes;          /* kept for the next run now */
  uint64_t fresh_allocations;   /* large blocks allocated from the system */
  uint64_t reused_allocations;  /* large blocks served from the kept ones */
} kconv_buffer_stats;
KCONV_API void kconv_get_buffer_stats(kconv_buffer_stats *stats);

/* The recurrence of a SimpleRNN, GRU or LSTM layer: a Halide extern stage of the
 * generated pipelines (not for hosts to call). `projected` holds x W + bias for every
 * step, Halide order (gates * units, timesteps, batch); `recurrent_kernel` is
 * (gates * units, units) and `recurrent_bias` (gates * units) (zeros but for a GRU
 * with reset_after); with KCONV_RNN_MASKED, `mask` (timesteps, batch) keeps the steps
 * where it is not 0 (a masked step leaves the state as it was and outputs it, or zeros
 * with KCONV_RNN_ZERO_MASKED, as Keras's zero_output_for_mask); with KCONV_RNN_INITIAL
 * the state starts at `initial_h` (units, batch) (and an LSTM's c at `initial_c`), else
 * at zeros. `out` is (units, rows, batch): the output's rows (each step's h with
 * KCONV_RNN_SEQUENCES, else the last), then with KCONV_RNN_STATES the final h and an
 * LSTM's final c; without either flag, (units, batch). Activations are
 * kconv_rnn_activation values. Answers Halide's bounds queries; returns 0, or -1 when
 * out of memory. */
struct halide_buffer_t;
enum kconv_rnn_cell { KCONV_RNN_SIMPLE = 0, KCONV_RNN_GRU = 1, KCONV_RNN_LSTM = 2 };
enum kconv_rnn_flags {
  KCONV_RNN_SEQUENCES = 1,   /* every step's h, else the last */
  KCONV_RNN_BACKWARDS = 2,   /* the steps in reverse (Keras's go_backwards) */
  KCONV_RNN_RESET_AFTER = 4, /* GRU: r * (h Rh + rbh), else (r * h) Rh */
  KCONV_RNN_FLIP = 8,        /* the sequence stored last step first (Bidirectional) */
  KCONV_RNN_MASKED = 16,     /* `mask` says which steps run */
  KCONV_RNN_ZERO_MASKED = 32, /* masked steps output zeros (zero_output_for_mask) */
  KCONV_RNN_INITIAL = 64,     /* the state starts at initial_h (and an LSTM's initial_c) */
  KCONV_RNN_STATES = 128      /* the final h (and c) follow the output in `out` */
};
/* Keras's element-wise activations, with their default arguments (as the kconv
 * dialect's #kconv.activation, same numbers). */
enum kconv_rnn_activation {
  KCONV_ACT_LINEAR = 0, KCONV_ACT_RELU, KCONV_ACT_RELU6, KCONV_ACT_LEAKY_RELU, KCONV_ACT_ELU,
  KCONV_ACT_SELU, KCONV_ACT_CELU, KCONV_ACT_SIGMOID, KCONV_ACT_HARD_SIGMOID,
  KCONV_ACT_HARD_SIGMOID_KERAS2, KCONV_ACT_LOG_SIGMOID, KCONV_ACT_TANH, KCONV_ACT_HARD_TANH,
  KCONV_ACT_TANH_SHRINK, KCONV_ACT_SOFTPLUS, KCONV_ACT_SOFTSIGN, KCONV_ACT_SILU,
  KCONV_ACT_HARD_SILU, KCONV_ACT_GELU, KCONV_ACT_MISH, KCONV_ACT_EXPONENTIAL,
  KCONV_ACT_SPARSE_PLUS, KCONV_ACT_SQUAREPLUS, KCONV_ACT_SOFT_SHRINK, KCONV_ACT_HARD_SHRINK,
  KCONV_ACT_SPARSE_SIGMOID = 27
};
KCONV_API int kconv_recurrent(struct halide_buffer_t *projected,
                              struct halide_buffer_t *recurrent_kernel,
                              struct halide_buffer_t *recurrent_bias,
                              struct halide_buffer_t *mask,
                              struct halide_buffer_t *initial_h,
                              struct halide_buffer_t *initial_c, int32_t cell,
                              int32_t units, int32_t timesteps, int32_t activation,
                              int32_t recurrent_activation, int32_t flags,
                              struct halide_buffer_t *out);

/* The command-line driver of executables built with `kconvc --emit=exe`:
 *   PROG --input x.npy [--input ...] --output y.npy [--output ...] [--bench N] [--threads N]
 * Returns the process exit code. */
KCONV_API int kconv_main(const kconv_model *model, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* KCONV_RUNTIME_H */
