// Fuzzes the .keras (zip) reader: entries, sizes, metadata and the nested config.
#include "KerasInternal.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  // In-process: the fuzzer must see crashes (kconvc runs HDF5 in a child process).
  setenv("KCONV_NO_ISOLATION", "1", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<char> bytes(data, data + size);
  kconv::keras::LoadedModel loaded;
  (void)kconv::keras::readKerasArchiveBytes(bytes, "fuzz.keras", loaded);
  return 0;
}
