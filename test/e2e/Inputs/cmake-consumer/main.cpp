// examples/first_conv called from C++: the generated header is C, in extern "C".
#include "first_conv.h"

#include <cstdio>
#include <vector>

int main() {
  std::vector<float> image{0, 1, 2, 3, 4, 5, 6, 7, 8}, result(4);
  const int64_t imageShape[] = {1, 3, 3, 1}, resultShape[] = {1, 2, 2, 1};
  kconv_tensor *in = nullptr, *out = nullptr;
  if (kconv_tensor_wrap(4, imageShape, image.data(), &in) != KCONV_OK ||
      kconv_tensor_wrap(4, resultShape, result.data(), &out) != KCONV_OK ||
      first_conv_run(in, out) != KCONV_OK) {
    std::fprintf(stderr, "first_conv: %s\n", kconv_last_error());
    return 1;
  }
  std::printf("c++: %g %g %g %g\n", result[0], result[1], result[2], result[3]);
  kconv_tensor_destroy(in);
  kconv_tensor_destroy(out);
  return 0;
}
