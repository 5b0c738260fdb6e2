/* Calls the model of the target `first-conv.v2` through its header first_conv_v2.h. */
#include "first_conv_v2.h"

#include <stdio.h>

int main(void) {
  int64_t shape[4] = {1, 3, 3, 1};
  kconv_tensor *in = NULL, *out = NULL;
  if (kconv_tensor_create(4, shape, &in) != KCONV_OK)
    return 1;
  for (int i = 0; i < 9; ++i)
    kconv_tensor_data(in)[i] = (float)i;
  if (kconv_model_create_outputs(&first_conv_v2_model, &in, &out) != KCONV_OK ||
      first_conv_v2_run(in, out) != KCONV_OK)
    return 1;
  const float *y = kconv_tensor_const_data(out);
  printf("%g %g %g %g\n", y[0], y[1], y[2], y[3]);
  kconv_tensor_destroy(in);
  kconv_tensor_destroy(out);
  return 0;
}
