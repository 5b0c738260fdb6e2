/* Calls the first_conv example's shared library (linked with -lfirst) through the
 * header kconvc generated beside it, with the library's own runtime entry points. */
#include "libfirst.h"

#include <stdio.h>

int main(void) {
  printf("model %s by kconv %d.%d.%d: %d input(s), %d output(s)\n", first_model.name,
         KCONV_VERSION_MAJOR, KCONV_VERSION_MINOR, KCONV_VERSION_PATCH, first_model.num_inputs,
         first_model.num_outputs);
  int64_t in_shape[4] = {2, 3, 3, 1}, out_shape[4] = {2, 2, 2, 1};
  float x[18], y[8];
  for (int i = 0; i < 18; ++i)
    x[i] = (float)i;
  kconv_tensor *in = NULL, *out = NULL;
  if (first_tensor_wrap(4, in_shape, x, &in) != KCONV_OK ||
      first_tensor_wrap(4, out_shape, y, &out) != KCONV_OK || first_run(in, out) != KCONV_OK) {
    fprintf(stderr, "error: %s\n", first_last_error());
    return 1;
  }
  printf("batch 2: %g %g %g %g | %g %g %g %g\n", y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7]);
  /* A misshaped output is the library's error, read through first_last_error. */
  first_tensor_destroy(out);
  if (first_tensor_wrap(4, in_shape, x, &out) != KCONV_OK || first_run(in, out) == KCONV_OK)
    return 1;
  printf("refused: %s\n", first_last_error());
  first_tensor_destroy(in);
  first_tensor_destroy(out);
  return 0;
}
