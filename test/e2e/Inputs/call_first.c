/* Calls the first_conv example through the header kconvc generated. */
#include "first.h"

#include <stdio.h>

int main(void) {
  printf("model %s: %d input(s), %d output(s)\n", first_model.name, first_model.num_inputs,
         first_model.num_outputs);
  int64_t shape[4] = {2, 3, 3, 1};
  kconv_tensor *in = NULL, *out = NULL;
  if (kconv_tensor_create(4, shape, &in) != KCONV_OK)
    return 1;
  for (int i = 0; i < 18; ++i)
    kconv_tensor_data(in)[i] = (float)i;
  if (kconv_model_create_outputs(&first_model, &in, &out) != KCONV_OK ||
      first_run(in, out) != KCONV_OK) {
    fprintf(stderr, "error: %s\n", kconv_last_error());
    return 1;
  }
  const float *y = kconv_tensor_const_data(out);
  printf("batch 2: %g %g %g %g | %g %g %g %g\n", y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7]);
  kconv_tensor_destroy(in);
  kconv_tensor_destroy(out);
  return 0;
}
