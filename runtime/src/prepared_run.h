/* Internal: a model's call prepared once and run many times (model.c, main.c). Apart
 * from internal.h, which C++ tests include inside extern "C", where Halide's runtime
 * header (its C++ templates) cannot be. */
#ifndef KCONV_PREPARED_RUN_H
#define KCONV_PREPARED_RUN_H

#include "internal.h"

#include <HalideRuntime.h>

/* A model's call, checked and described to Halide once, run any number of times (the
 * executables' --bench on a GPU model: the data stays on the device between runs). */
enum { KCONV_MAX_MODEL_TENSORS = 64 };
typedef struct kconv_prepared_run {
  const kconv_model *model;
  int count; /* inputs, then outputs */
  halide_buffer_t buffers[KCONV_MAX_MODEL_TENSORS];
  halide_dimension_t dims[KCONV_MAX_MODEL_TENSORS][KCONV_MAX_RANK];
  void *args[KCONV_MAX_MODEL_TENSORS];
} kconv_prepared_run;
/* Checks the tensors as kconv_model_run does and describes them (run->model is NULL
 * when an argument is). */
kconv_status kconv_run_prepare(const kconv_model *model, kconv_tensor *const *inputs,
                               kconv_tensor *const *outputs, kconv_prepared_run *run);
/* Runs the pipeline and waits for its results; on a GPU they stay on the device. */
kconv_status kconv_run_again(kconv_prepared_run *run);
/* Copies a GPU pipeline's results to the outputs and releases the device memory. */
kconv_status kconv_run_finish(kconv_prepared_run *run);
/* Whether the model's code runs on a GPU (its target names CUDA or OpenCL). */
int kconv_model_on_gpu(const kconv_model *model);

#endif
