/* Links two models that Keras named alike (`sequential`) into one program: kconvc named
   their symbols after the output files (first_a, first_b), so both are there and each
   computes its own weights. symbol-prefix.test. */
#include "first_a.h"
#include "first_b.h"

#include <stdio.h>

static int run(const kconv_model *model, kconv_status (*fn)(kconv_tensor *, kconv_tensor *)) {
  int64_t shape[4] = {1, 3, 3, 1};
  kconv_tensor *in = NULL, *out = NULL;
  if (kconv_tensor_create(4, shape, &in) != KCONV_OK)
    return 1;
  for (int i = 0; i < 9; ++i)
    kconv_tensor_data(in)[i] = (float)i;
  if (kconv_model_create_outputs(model, &in, &out) != KCONV_OK || fn(in, out) != KCONV_OK) {
    fprintf(stderr, "error: %s\n", kconv_last_error());
    return 1;
  }
  const float *y = kconv_tensor_const_data(out);
  printf("%s: %g %g %g %g\n", model->name, y[0], y[1], y[2], y[3]);
  kconv_tensor_destroy(in);
  kconv_tensor_destroy(out);
  return 0;
}

int main(void) {
  return run(&first_a_model, first_a_run) || run(&first_b_model, first_b_run);
}
