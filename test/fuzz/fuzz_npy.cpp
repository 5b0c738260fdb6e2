// Fuzzes the runtime's .npy parser (what generated executables read).
#include "kconv/kconv_runtime.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kconv_tensor *tensor = nullptr;
  if (kconv_npy_parse(data, size, "fuzz.npy", &tensor) == KCONV_OK)
    kconv_tensor_destroy(tensor);
  return 0;
}
