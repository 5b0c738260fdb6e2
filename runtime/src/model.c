/* Checking tensors against a compiled model's descriptor and calling its pipeline. */
#include "internal.h"
#include "prepared_run.h"

#include <HalideRuntime.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static const char *input_name(const kconv_model *model, int index) {
  const char *name = model->inputs[index].name;
  return name ? name : "input";
}

kconv_status kconv_model_check_input(const kconv_model *model, int index,
                                     const kconv_tensor *tensor, const char *source) {
  if (!model || !tensor || index < 0 || index >= model->num_inputs)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_model_check_input: bad argument");
  if (!source)
    source = "<tensor>";
  const kconv_tensor_info *info = &model->inputs[index];
  const int64_t *shape = kconv_tensor_shape(tensor);
  int rank = kconv_tensor_rank(tensor);
  int ok = rank == info->rank;
  for (int i = 0; ok && i < rank; ++i)
    ok = info->shape[i] < 0 ? shape[i] >= 1 : shape[i] == info->shape[i];
  if (!ok) {
    char want[256], got[256];
    return kconv_fail(KCONV_ERROR_SHAPE,
                      "%s: model '%s' input '%s' (%s) expects shape %s, got %s", source,
                      model->name, input_name(model, index), info->data_format,
                      kconv_format_shape(info->rank, info->shape, want, sizeof want),
                      kconv_format_shape(rank, shape, got, sizeof got));
  }
  return KCONV_OK;
}

static kconv_status batch_size(const kconv_model *model, kconv_tensor *const *inputs,
                               int64_t *batch) {
  *batch = -1;
  for (int i = 0; i < model->num_inputs; ++i) {
    const kconv_tensor_info *info = &model->inputs[i];
    if (info->rank == 0 || info->shape[0] >= 0)
      continue;
    int64_t n = kconv_tensor_shape(inputs[i])[0];
    if (*batch >= 0 && n != *batch)
      return kconv_fail(KCONV_ERROR_SHAPE,
                        "model '%s': input '%s' has batch size %lld but input '%s' has %lld",
                        model->name, input_name(model, i), (long long)n, input_name(model, 0),
                        (long long)*batch);
    *batch = n;
  }
  if (*batch < 0)
    *batch = 1;
  return KCONV_OK;
}

static void output_shape(const kconv_tensor_info *info, int64_t batch, int64_t *shape) {
  for (int d = 0; d < info->rank; ++d)
    shape[d] = info->shape[d] < 0 ? batch : info->shape[d];
}

kconv_status kconv_model_create_outputs(const kconv_model *model, kconv_tensor *const *inputs,
                                        kconv_tensor **outputs) {
  if (!model || !inputs || !outputs)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_model_create_outputs: NULL argument");
  for (int i = 0; i < model->num_outputs; ++i)
    outputs[i] = NULL;
  int64_t batch;
  kconv_status status = batch_size(model, inputs, &batch);
  for (int i = 0; status == KCONV_OK && i < model->num_outputs; ++i) {
    int64_t shape[KCONV_MAX_RANK];
    output_shape(&model->outputs[i], batch, shape);
    status = kconv_tensor_create(model->outputs[i].rank, shape, &outputs[i]);
  }
  if (status != KCONV_OK)
    for (int i = 0; i < model->num_outputs; ++i) {
      kconv_tensor_destroy(outputs[i]);
      outputs[i] = NULL;
    }
  return status;
}

/* Describes a row-major tensor to Halide: dimension 0 is the innermost (last NumPy) axis. */
static kconv_status to_halide(const kconv_tensor *tensor, const char *what, halide_buffer_t *buf,
                              halide_dimension_t *dims) {
  int rank = kconv_tensor_rank(tensor);
  const int64_t *shape = kconv_tensor_shape(tensor);
  int64_t stride = 1;
  memset(buf, 0, sizeof *buf);
  for (int d = 0; d < rank; ++d) {
    int64_t extent = shape[rank - 1 - d];
    if (extent > INT32_MAX || stride > INT32_MAX)
      return kconv_fail(KCONV_ERROR_SHAPE, "%s is too large for the pipeline (2^31 limit)", what);
    dims[d].min = 0;
    dims[d].extent = (int32_t)extent;
    dims[d].stride = (int32_t)stride;
    dims[d].flags = 0;
    stride *= extent;
  }
  buf->host = (uint8_t *)(uintptr_t)kconv_tensor_const_data(tensor);
  buf->type.code = halide_type_float;
  buf->type.bits = 32;
  buf->type.lanes = 1;
  buf->dimensions = rank;
  buf->dim = dims;
  return KCONV_OK;
}

/* Replaces the Halide runtime's default error handler (which aborts in AOT code):
 * the message becomes the calling thread's kconv_last_error(), and the pipeline
 * returns its error code to kconv_model_run. */
void halide_error(void *user_context, const char *message) {
  (void)user_context;
  size_t len = strlen(message);
  while (len > 0 && message[len - 1] == '\n')
    --len;
  kconv_fail(KCONV_ERROR_PIPELINE, "%.*s", (int)len, message);
}

/* A GPU driver's symbol, for pipelines compiled for CUDA or OpenCL. Halide's own lookup
 * opens only the unversioned library name, which on Linux only the driver's
 * development package installs; the versioned one is tried first. NULL (Halide then
 * reports that the driver's library is missing) where neither is found. */
static void *gpu_driver_symbol(void **library, const char *versioned, const char *plain,
                               const char *name) {
  void *symbol = dlsym(RTLD_DEFAULT, name);
  if (symbol)
    return symbol;
  /* (Two threads may both open it: dlopen gives them the same handle.) */
  void *opened = __atomic_load_n(library, __ATOMIC_ACQUIRE);
  if (!opened)
    opened = dlopen(versioned, RTLD_LAZY | RTLD_LOCAL);
  if (!opened)
    opened = dlopen(plain, RTLD_LAZY | RTLD_LOCAL);
  if (!opened)
    return NULL;
  __atomic_store_n(library, opened, __ATOMIC_RELEASE);
  return dlsym(opened, name);
}

/* Replace the Halide runtime's weak definitions (used by GPU pipelines only). */
void *halide_cuda_get_symbol(void *user_context, const char *name) {
  static void *library;
  (void)user_context;
  return gpu_driver_symbol(&library, "libcuda.so.1", "libcuda.so", name);
}

void *halide_opencl_get_symbol(void *user_context, const char *name) {
  static void *library;
  (void)user_context;
  return gpu_driver_symbol(&library, "libOpenCL.so.1", "libOpenCL.so", name);
}

/* The GPU API a model's Halide target names ("...-cuda-..."), or NULL. */
static const char *gpu_api(const char *target) {
  if (!target)
    return NULL;
  size_t len = strlen(target);
  for (const char *f = strchr(target, '-'); f; f = strchr(f + 1, '-')) {
    size_t rest = len - (size_t)(f + 1 - target);
    if (rest >= 4 && strncmp(f + 1, "cuda", 4) == 0 && (rest == 4 || f[5] == '-'))
      return "CUDA";
    if (rest >= 6 && strncmp(f + 1, "opencl", 6) == 0 && (rest == 6 || f[7] == '-'))
      return "OpenCL";
  }
  return NULL;
}

/* Whether Halide's GPU runtime failed for want of a driver or a device (its messages
 * for a missing library, no CUDA device, no OpenCL platform or device). */
static int no_gpu_found(const char *message) {
  static const char *const signs[] = {"Could not find", "CUDA_ERROR_NO_DEVICE",
                                      "no devices", "No devices", "clGetPlatformIDs",
                                      "CL_DEVICE_NOT_FOUND", "null context"};
  for (size_t i = 0; i < sizeof signs / sizeof signs[0]; ++i)
    if (strstr(message, signs[i]))
      return 1;
  return 0;
}

/* Referenced by every descriptor kconvc emits (see kconv_runtime.h). */
const int KCONV_RUNTIME_ABI_SYMBOL = KCONV_RUNTIME_ABI;

/* Halide's device functions, for GPU pipelines (weak: the runtime's tensor and .npy
 * functions link without any pipeline). */
extern int halide_copy_to_host(void *user_context, struct halide_buffer_t *buf)
    __attribute__((weak));
extern int halide_device_free(void *user_context, struct halide_buffer_t *buf)
    __attribute__((weak));
extern int halide_device_sync(void *user_context, struct halide_buffer_t *buf)
    __attribute__((weak));

int kconv_model_on_gpu(const kconv_model *model) { return gpu_api(model->target) != NULL; }

/* The pipeline's failure as the run's error: a GPU model that found no GPU says what
 * the machine lacks. */
static kconv_status pipeline_failed(const kconv_model *model, int result) {
  char detail[512];
  snprintf(detail, sizeof detail, "%s", kconv_last_error());
  const char *api = gpu_api(model->target);
  if (api && no_gpu_found(detail))
    return kconv_fail(KCONV_ERROR_PIPELINE,
                      "model '%s' runs on a GPU through %s, and none was found: this "
                      "machine needs %s (Halide error %d: %s)",
                      model->name, api,
                      api[0] == 'C' ? "an NVIDIA GPU and its driver (libcuda.so.1)"
                                    : "an OpenCL platform with a device (libOpenCL.so.1)",
                      result, detail);
  return kconv_fail(KCONV_ERROR_PIPELINE, "model '%s': the pipeline failed (Halide error %d)%s%s",
                    model->name, result, detail[0] ? ": " : "", detail);
}

/* Calls the pipeline with Halide's hooks installed and the last error cleared; its
 * result code (pipeline_failed turns a failure into the run's error). */
static int call_pipeline(const kconv_model *model, void **args) {
  kconv_install_parallel_for();
  kconv_install_buffer_cache();
  kconv_fail(KCONV_OK, "%s", "");
  return model->pipeline_argv(args);
}

kconv_status kconv_run_prepare(const kconv_model *model, kconv_tensor *const *inputs,
                               kconv_tensor *const *outputs, kconv_prepared_run *run) {
  if (!model || !inputs || !outputs || !run || !model->pipeline_argv)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_model_run: NULL argument");
  memset(run, 0, sizeof *run);
  run->model = model;
  int count = model->num_inputs + model->num_outputs;
  if (count > KCONV_MAX_MODEL_TENSORS)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "model '%s' has too many tensors", model->name);
  int64_t batch;
  kconv_status status = KCONV_OK;
  for (int i = 0; status == KCONV_OK && i < model->num_inputs; ++i)
    status = inputs[i] ? kconv_model_check_input(model, i, inputs[i], NULL)
                       : kconv_fail(KCONV_ERROR_ARGUMENT, "input %d is NULL", i);
  if (status == KCONV_OK)
    status = batch_size(model, inputs, &batch);
  for (int i = 0; status == KCONV_OK && i < model->num_outputs; ++i) {
    const kconv_tensor_info *info = &model->outputs[i];
    int64_t want[KCONV_MAX_RANK];
    output_shape(info, batch, want);
    if (!outputs[i] || kconv_tensor_rank(outputs[i]) != info->rank ||
        memcmp(want, kconv_tensor_shape(outputs[i]), sizeof(int64_t) * (size_t)info->rank) != 0)
      status = kconv_fail(KCONV_ERROR_SHAPE, "model '%s': output '%s' is missing or misshaped",
                          model->name, info->name);
  }
  if (status != KCONV_OK)
    return status;

  int gpu = kconv_model_on_gpu(model);
  for (int i = 0; status == KCONV_OK && i < count; ++i) {
    int is_input = i < model->num_inputs;
    const kconv_tensor *t = is_input ? inputs[i] : outputs[i - model->num_inputs];
    status = to_halide(t, is_input ? "an input" : "an output", &run->buffers[i], run->dims[i]);
    /* A GPU pipeline copies an input to the device only when it is flagged as newer on
     * the host. */
    if (gpu && is_input)
      run->buffers[i].flags |= halide_buffer_flag_host_dirty;
    run->args[i] = &run->buffers[i];
  }
  run->count = count;
  return status;
}

kconv_status kconv_run_again(kconv_prepared_run *run) {
  const kconv_model *model = run->model;
  int result = call_pipeline(model, run->args);
  /* A GPU pipeline returns once its kernels are queued: wait for the outputs'. */
  for (int i = model->num_inputs; result == 0 && i < run->count; ++i)
    if (run->buffers[i].device && halide_device_sync)
      result = halide_device_sync(NULL, &run->buffers[i]);
  return result == 0 ? KCONV_OK : pipeline_failed(model, result);
}

kconv_status kconv_run_finish(kconv_prepared_run *run) {
  const kconv_model *model = run->model;
  int result = 0;
  /* The outputs back to the caller's memory, then every device allocation the
   * pipeline made for the caller's buffers released (on the CPU there are none). */
  for (int i = model->num_inputs; i < run->count; ++i)
    if (run->buffers[i].device && halide_copy_to_host) {
      int copied = halide_copy_to_host(NULL, &run->buffers[i]);
      result = result ? result : copied;
    }
  for (int i = 0; i < run->count; ++i)
    if (run->buffers[i].device && halide_device_free)
      halide_device_free(NULL, &run->buffers[i]);
  return result == 0 ? KCONV_OK : pipeline_failed(model, result);
}

kconv_status kconv_model_run(const kconv_model *model, kconv_tensor *const *inputs,
                             kconv_tensor *const *outputs) {
  kconv_prepared_run run;
  run.model = NULL;
  kconv_status status = kconv_run_prepare(model, inputs, outputs, &run);
  if (status == KCONV_OK)
    status = kconv_run_again(&run);
  /* (Device allocations are released whatever happened.) */
  kconv_status finished = run.model ? kconv_run_finish(&run) : KCONV_OK;
  return status == KCONV_OK ? finished : status;
}

kconv_status kconv_model_run_buffers(const kconv_model *model,
                                     struct halide_buffer_t *const *buffers) {
  if (!model || !buffers || !model->pipeline_argv)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_model_run_buffers: NULL argument");
  int count = model->num_inputs + model->num_outputs;
  if (count > KCONV_MAX_MODEL_TENSORS)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "model '%s' has too many tensors", model->name);
  void *args[KCONV_MAX_MODEL_TENSORS];
  int64_t batch = -1;
  for (int i = 0; i < count; ++i) {
    int is_input = i < model->num_inputs;
    const kconv_tensor_info *info =
        is_input ? &model->inputs[i] : &model->outputs[i - model->num_inputs];
    const halide_buffer_t *b = buffers[i];
    int ok = b && b->dimensions == info->rank && b->type.code == halide_type_float &&
             b->type.bits == 32 && b->type.lanes == 1 && (b->host || b->device) &&
             (info->rank == 0 || b->dim);
    /* Halide's dimension d is the descriptor's axis rank - 1 - d; the batch (-1) must
     * agree across the buffers. */
    for (int d = 0; ok && d < info->rank; ++d) {
      int64_t extent = b->dim[info->rank - 1 - d].extent, want = info->shape[d];
      if (want < 0) {
        ok = extent >= 1 && (batch < 0 || extent == batch);
        batch = extent;
      } else {
        ok = extent == want;
      }
      ok = ok && b->dim[d].min == 0;
    }
    if (!ok)
      return kconv_fail(KCONV_ERROR_SHAPE,
                        "model '%s': %s '%s' is NULL, holds no data, or is not a float32 "
                        "buffer of the descriptor's shape",
                        model->name, is_input ? "input" : "output", info->name);
    args[i] = buffers[i];
  }
  int result = call_pipeline(model, args);
  return result == 0 ? KCONV_OK : pipeline_failed(model, result);
}

kconv_status kconv_model_run_arrays(const kconv_model *model, int64_t batch,
                                    const float *const *inputs, float *const *outputs) {
  if (!model || !inputs || !outputs)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_model_run_arrays: NULL argument");
  int count = model->num_inputs + model->num_outputs;
  if (count > KCONV_MAX_MODEL_TENSORS)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "model '%s' has too many tensors", model->name);
  if (batch < 1)
    return kconv_fail(KCONV_ERROR_SHAPE, "model '%s': batch size %lld, expected at least 1",
                      model->name, (long long)batch);
  kconv_tensor *tensors[KCONV_MAX_MODEL_TENSORS] = {0};
  kconv_status status = KCONV_OK;
  for (int i = 0; status == KCONV_OK && i < count; ++i) {
    int is_input = i < model->num_inputs;
    const kconv_tensor_info *info =
        is_input ? &model->inputs[i] : &model->outputs[i - model->num_inputs];
    float *data = is_input ? (float *)(uintptr_t)inputs[i] : outputs[i - model->num_inputs];
    if (info->rank > KCONV_MAX_RANK) {
      status = kconv_fail(KCONV_ERROR_ARGUMENT, "model '%s': tensor '%s' has rank %d",
                          model->name, info->name, info->rank);
      break;
    }
    int64_t shape[KCONV_MAX_RANK];
    for (int d = 0; d < info->rank; ++d)
      shape[d] = info->shape[d] < 0 ? batch : info->shape[d];
    status = kconv_tensor_wrap(info->rank, shape, data, &tensors[i]);
  }
  if (status == KCONV_OK)
    status = kconv_model_run(model, tensors, tensors + model->num_inputs);
  for (int i = 0; i < count; ++i)
    kconv_tensor_destroy(tensors[i]);
  return status;
}
