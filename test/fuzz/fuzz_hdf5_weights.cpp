// Fuzzes the HDF5 weights readers (Keras 2 layer groups, model_weights, Keras 3
// layers/vars) on in-memory HDF5 images, as a .keras archive hands them over.
#include "KerasInternal.h"

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<char> image(data, data + size);
  kconv::keras::Weights weights;
  (void)kconv::keras::readWeightsImage(image, "fuzz.h5", weights);
  return 0;
}
