/* Checking tensors against a compiled model's descriptor and calling its pipeline. */
#include "internal.h"

#include <HalideRuntime.h>
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

enum { kMaxModelTensors = 64 };

/* Referenced by every descriptor kconvc emits (see kconv_runtime.h). */
const int KCONV_RUNTIME_ABI_SYMBOL = KCONV_RUNTIME_ABI;

kconv_status kconv_model_run(const kconv_model *model, kconv_tensor *const *inputs,
                             kconv_tensor *const *outputs) {
  if (!model || !inputs || !outputs || !model->pipeline_argv)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_model_run: NULL argument");
  int count = model->num_inputs + model->num_outputs;
  if (count > kMaxModelTensors)
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

  kconv_install_parallel_for();
  kconv_install_buffer_cache();
  halide_buffer_t buffers[kMaxModelTensors];
  halide_dimension_t dims[kMaxModelTensors][KCONV_MAX_RANK];
  void *args[kMaxModelTensors];
  for (int i = 0; status == KCONV_OK && i < count; ++i) {
    int is_input = i < model->num_inputs;
    const kconv_tensor *t = is_input ? inputs[i] : outputs[i - model->num_inputs];
    status = to_halide(t, is_input ? "an input" : "an output", &buffers[i], dims[i]);
    args[i] = &buffers[i];
  }
  if (status != KCONV_OK)
    return status;
  kconv_fail(KCONV_OK, "%s", "");
  int result = model->pipeline_argv(args);
  if (result != 0) {
    char detail[512];
    snprintf(detail, sizeof detail, "%s", kconv_last_error());
    return kconv_fail(KCONV_ERROR_PIPELINE, "model '%s': the pipeline failed (Halide error %d)%s%s",
                      model->name, result, detail[0] ? ": " : "", detail);
  }
  return KCONV_OK;
}

kconv_status kconv_model_run_arrays(const kconv_model *model, int64_t batch,
                                    const float *const *inputs, float *const *outputs) {
  if (!model || !inputs || !outputs)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_model_run_arrays: NULL argument");
  int count = model->num_inputs + model->num_outputs;
  if (count > kMaxModelTensors)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "model '%s' has too many tensors", model->name);
  if (batch < 1)
    return kconv_fail(KCONV_ERROR_SHAPE, "model '%s': batch size %lld, expected at least 1",
                      model->name, (long long)batch);
  kconv_tensor *tensors[kMaxModelTensors] = {0};
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
