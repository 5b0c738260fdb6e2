// Keras's built-in initializers, for compiling a model description without weights
// (`kconvc --init-seed N`): the same distributions, bounds and fan computations as
// Keras, drawn from kconv's own seeded generator (not Keras's random stream).
#ifndef KCONV_KERAS_INITIALIZERS_H
#define KCONV_KERAS_INITIALIZERS_H

#include "kconv/Keras/KerasModel.h"
#include "kconv/Support/Status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kconv::keras {

/// Fills `out` with a tensor of `shape` drawn as the serialized initializer `spec`
/// (a name such as "he_normal" or an object {"class_name", "config"}) would draw it;
/// `defaultName` applies when `spec` is absent (Keras: glorot_uniform for kernels,
/// zeros for biases). `seed` makes the draw reproducible.
Status initializeTensor(const std::optional<Value> &spec, const std::string &defaultName,
                        const std::vector<int64_t> &shape, uint64_t seed,
                        std::vector<float> &out);

/// Keras's (fan_in, fan_out) of a weight shape: conv kernels multiply the channel
/// counts by the receptive field.
std::pair<double, double> computeFans(const std::vector<int64_t> &shape);

} // namespace kconv::keras

#endif
