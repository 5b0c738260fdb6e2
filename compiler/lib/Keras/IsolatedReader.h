// Runs a reader of untrusted HDF5 data in a child process: the HDF5 library has
// known crashes on corrupted files, and a crash must become an error message, never
// take kconvc down. Results come back through a pipe.
#ifndef KCONV_KERAS_ISOLATEDREADER_H
#define KCONV_KERAS_ISOLATEDREADER_H

#include "kconv/Keras/KerasModel.h"
#include "kconv/Support/Status.h"

#include <functional>
#include <optional>
#include <string>

namespace kconv::keras {

/// What an HDF5 file yields: an optional model configuration and optional weights.
struct Hdf5Contents {
  std::optional<std::string> modelConfig;
  std::optional<Weights> weights;
};

/// Runs `read` in a forked child (in-process when KCONV_NO_ISOLATION is set, as in
/// fuzzers and debuggers). `what` names the file in the crash message.
Status runIsolated(const std::string &what, const std::function<Status(Hdf5Contents &)> &read,
                   Hdf5Contents &out);

} // namespace kconv::keras

#endif
