/* Calls examples/first_conv compiled by kconvc (README: "Calling a compiled model"). */
#include "first_conv.h"
#include <stdio.h>

int main(void) {
  float image[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, result[4]; /* the caller's own memory */
  const int64_t image_shape[] = {1, 3, 3, 1}, result_shape[] = {1, 2, 2, 1};
  kconv_tensor *in = NULL, *out = NULL;
  if (kconv_tensor_wrap(4, image_shape, image, &in) != KCONV_OK ||
      kconv_tensor_wrap(4, result_shape, result, &out) != KCONV_OK ||
      first_conv_run(in, out) != KCONV_OK) {
    fprintf(stderr, "first_conv: %s\n", kconv_last_error());
    return 1;
  }
  printf("%g %g %g %g\n", result[0], result[1], result[2], result[3]);
  kconv_tensor_destroy(in); /* the handles only: image and result stay the caller's */
  kconv_tensor_destroy(out);
  return 0;
}
