// Fuzzes the Keras model-configuration parser (to_json() / config.json text).
#include "kconv/Keras/KerasLoader.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kconv::keras::Model model;
  (void)kconv::keras::parseModelJson(std::string(reinterpret_cast<const char *>(data), size),
                                     "fuzz.json", model);
  return 0;
}
