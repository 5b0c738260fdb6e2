// kconv_model_*: input checks, output allocation, and the halide_buffer_t handed to
// the pipeline (dimension 0 innermost, dense strides).
#include "kconv/kconv_runtime.h"

#include <HalideRuntime.h>
#include <gtest/gtest.h>

#include <string>

namespace {

const int64_t kInputShape[] = {-1, 3, 4, 2};
const int64_t kOutputShape[] = {-1, 3, 4, 1};
const kconv_tensor_info kInputs[] = {{"image", 4, kInputShape, "channels_last"}};
const kconv_tensor_info kOutputs[] = {{"sum", 4, kOutputShape, "channels_last"}};

/// A stand-in pipeline: out(0, x, y, n) = in(0, x, y, n) + in(1, x, y, n).
int sumChannels(void **args) {
  auto *in = static_cast<halide_buffer_t *>(args[0]);
  auto *out = static_cast<halide_buffer_t *>(args[1]);
  if (in->dimensions != 4 || in->dim[0].extent != 2 || in->dim[0].stride != 1 ||
      in->dim[1].stride != 2 || in->dim[2].stride != 8 || out->dim[0].extent != 1)
    return -1;
  const float *src = reinterpret_cast<const float *>(in->host);
  float *dst = reinterpret_cast<float *>(out->host);
  int pixels = in->dim[1].extent * in->dim[2].extent * in->dim[3].extent;
  for (int p = 0; p < pixels; ++p)
    dst[p] = src[2 * p] + src[2 * p + 1];
  return 0;
}

int failingPipeline(void **) {
  halide_error(nullptr, "Input buffer is too small\n");
  return -3;
}

kconv_model makeModel(int (*argv)(void **)) {
  return kconv_model{"test_model", 1, kInputs, 1, kOutputs, argv, "0.0.0", "host",
                     &KCONV_RUNTIME_ABI_SYMBOL};
}

TEST(RuntimeModel, RunsWithDynamicBatch) {
  kconv_model model = makeModel(sumChannels);
  int64_t shape[4] = {2, 3, 4, 2};
  kconv_tensor *in = nullptr, *out = nullptr;
  ASSERT_EQ(kconv_tensor_create(4, shape, &in), KCONV_OK);
  for (int i = 0; i < 48; ++i)
    kconv_tensor_data(in)[i] = static_cast<float>(i);
  ASSERT_EQ(kconv_model_check_input(&model, 0, in, "x.npy"), KCONV_OK);
  ASSERT_EQ(kconv_model_create_outputs(&model, &in, &out), KCONV_OK);
  EXPECT_EQ(kconv_tensor_shape(out)[0], 2);
  EXPECT_EQ(kconv_tensor_shape(out)[3], 1);
  ASSERT_EQ(kconv_model_run(&model, &in, &out), KCONV_OK) << kconv_last_error();
  for (int p = 0; p < 24; ++p)
    EXPECT_FLOAT_EQ(kconv_tensor_data(out)[p], 4.0f * p + 1.0f);
  kconv_tensor_destroy(in);
  kconv_tensor_destroy(out);
}

TEST(RuntimeModel, RunsOnPlainArraysWithTheGivenBatch) {
  kconv_model model = makeModel(sumChannels);
  float input[3 * 24], output[3 * 12 + 1];
  for (int i = 0; i < 3 * 24; ++i)
    input[i] = static_cast<float>(i);
  output[3 * 12] = -7.0f; // past the outputs: untouched
  const float *inputs[] = {input};
  float *outputs[] = {output};
  ASSERT_EQ(kconv_model_run_arrays(&model, 3, inputs, outputs), KCONV_OK) << kconv_last_error();
  for (int p = 0; p < 36; ++p)
    EXPECT_FLOAT_EQ(output[p], 4.0f * p + 1.0f);
  EXPECT_EQ(output[36], -7.0f);
  EXPECT_EQ(kconv_model_run_arrays(&model, 0, inputs, outputs), KCONV_ERROR_SHAPE);
  EXPECT_EQ(std::string(kconv_last_error()), "model 'test_model': batch size 0, expected at least 1");
  EXPECT_EQ(kconv_model_run_arrays(&model, 1, nullptr, outputs), KCONV_ERROR_ARGUMENT);
  const float *missing[] = {nullptr};
  EXPECT_EQ(kconv_model_run_arrays(&model, 1, missing, outputs), KCONV_ERROR_ARGUMENT);
  EXPECT_EQ(*model.runtime_abi, KCONV_RUNTIME_ABI);
}

TEST(RuntimeModel, WrappedTensorsUseTheCallersMemoryWithoutACopy) {
  kconv_model model = makeModel(sumChannels);
  // The caller's buffers, not 64-byte aligned (one float past an aligned start).
  alignas(64) float input[1 + 24], output[1 + 12];
  for (int i = 0; i < 24; ++i)
    input[1 + i] = static_cast<float>(i);
  const int64_t inShape[4] = {1, 3, 4, 2}, outShape[4] = {1, 3, 4, 1};
  kconv_tensor *in = nullptr, *out = nullptr;
  ASSERT_EQ(kconv_tensor_wrap(4, inShape, input + 1, &in), KCONV_OK);
  ASSERT_EQ(kconv_tensor_wrap(4, outShape, output + 1, &out), KCONV_OK);
  EXPECT_EQ(kconv_tensor_data(in), input + 1);
  EXPECT_EQ(kconv_tensor_num_elements(out), 12);
  ASSERT_EQ(kconv_model_run(&model, &in, &out), KCONV_OK) << kconv_last_error();
  for (int p = 0; p < 12; ++p)
    EXPECT_FLOAT_EQ(output[1 + p], 4.0f * p + 1.0f);
  // Destroying frees the handles only (the buffers are on this stack: freeing them
  // would crash, and ASan would report it).
  kconv_tensor_destroy(in);
  kconv_tensor_destroy(out);

  kconv_tensor *bad = nullptr;
  EXPECT_EQ(kconv_tensor_wrap(4, inShape, nullptr, &bad), KCONV_ERROR_ARGUMENT);
  EXPECT_EQ(bad, nullptr);
  EXPECT_STREQ(kconv_last_error(), "kconv_tensor_wrap: NULL data for 24 elements");
  const int64_t negative[2] = {2, -1};
  EXPECT_EQ(kconv_tensor_wrap(2, negative, input, &bad), KCONV_ERROR_ARGUMENT);
  const int64_t empty[2] = {0, 3};
  ASSERT_EQ(kconv_tensor_wrap(2, empty, nullptr, &bad), KCONV_OK);
  kconv_tensor_destroy(bad);
}

TEST(RuntimeModel, RejectsWrongShapesNamingTheInput) {
  kconv_model model = makeModel(sumChannels);
  int64_t wrong[4] = {1, 3, 5, 2};
  kconv_tensor *in = nullptr;
  ASSERT_EQ(kconv_tensor_create(4, wrong, &in), KCONV_OK);
  EXPECT_EQ(kconv_model_check_input(&model, 0, in, "x.npy"), KCONV_ERROR_SHAPE);
  std::string message = kconv_last_error();
  EXPECT_NE(message.find("x.npy: model 'test_model' input 'image'"), std::string::npos) << message;
  EXPECT_NE(message.find("expects shape (?, 3, 4, 2), got (1, 3, 5, 2)"), std::string::npos)
      << message;
  int64_t rank3[3] = {3, 4, 2};
  kconv_tensor *flat = nullptr;
  ASSERT_EQ(kconv_tensor_create(3, rank3, &flat), KCONV_OK);
  EXPECT_EQ(kconv_model_check_input(&model, 0, flat, "x.npy"), KCONV_ERROR_SHAPE);
  int64_t emptyBatch[4] = {0, 3, 4, 2};
  kconv_tensor *empty = nullptr;
  ASSERT_EQ(kconv_tensor_create(4, emptyBatch, &empty), KCONV_OK);
  EXPECT_EQ(kconv_model_check_input(&model, 0, empty, "x.npy"), KCONV_ERROR_SHAPE);
  kconv_tensor_destroy(in);
  kconv_tensor_destroy(flat);
  kconv_tensor_destroy(empty);
}

TEST(RuntimeModel, PipelineErrorsComeBackAsStatus) {
  kconv_model model = makeModel(failingPipeline);
  int64_t shape[4] = {1, 3, 4, 2};
  kconv_tensor *in = nullptr, *out = nullptr;
  ASSERT_EQ(kconv_tensor_create(4, shape, &in), KCONV_OK);
  ASSERT_EQ(kconv_model_create_outputs(&model, &in, &out), KCONV_OK);
  EXPECT_EQ(kconv_model_run(&model, &in, &out), KCONV_ERROR_PIPELINE);
  std::string message = kconv_last_error();
  EXPECT_NE(message.find("Halide error -3"), std::string::npos) << message;
  EXPECT_NE(message.find("Input buffer is too small"), std::string::npos) << message;
  kconv_tensor_destroy(in);
  kconv_tensor_destroy(out);
}

TEST(RuntimeModel, StatusNamesAreStable) {
  EXPECT_STREQ(kconv_status_name(KCONV_OK), "ok");
  EXPECT_STREQ(kconv_status_name(KCONV_ERROR_SHAPE), "shape mismatch");
}

} // namespace
