/* Classifies the digits test set with the model compiled by kconv_add_model and
 * prints the accuracy: accuracy X_TEST.npy LABELS.npy */
#include "digits_model.h"

#include <stdio.h>

static int fail(const char *what) {
  fprintf(stderr, "accuracy: %s: %s\n", what, kconv_last_error());
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s X_TEST.npy LABELS.npy\n", argv[0]);
    return 2;
  }
  kconv_tensor *images = NULL, *labels = NULL, *probabilities = NULL;
  if (kconv_npy_read(argv[1], &images) != KCONV_OK)
    return fail(argv[1]);
  if (kconv_npy_read(argv[2], &labels) != KCONV_OK)
    return fail(argv[2]);
  kconv_tensor *inputs[] = {images};
  if (kconv_model_create_outputs(&digits_model_model, inputs, &probabilities) != KCONV_OK)
    return fail("outputs");
  if (digits_model_run(images, probabilities) != KCONV_OK)
    return fail("run");
  const float *p = kconv_tensor_const_data(probabilities);
  const float *y = kconv_tensor_const_data(labels);
  int64_t n = kconv_tensor_shape(probabilities)[0], correct = 0;
  int classes = (int)kconv_tensor_shape(probabilities)[1];
  for (int64_t i = 0; i < n; ++i) {
    int best = 0;
    for (int c = 1; c < classes; ++c)
      if (p[i * classes + c] > p[i * classes + best])
        best = c;
    correct += best == (int)y[i];
  }
  printf("accuracy %.4f (%lld/%lld)\n", (double)correct / (double)n, (long long)correct,
         (long long)n);
  kconv_tensor_destroy(images);
  kconv_tensor_destroy(labels);
  kconv_tensor_destroy(probabilities);
  return 0;
}
