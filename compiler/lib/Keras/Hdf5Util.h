// Small RAII and reading helpers over the HDF5 C API, throwing KerasError.
#ifndef KCONV_KERAS_HDF5UTIL_H
#define KCONV_KERAS_HDF5UTIL_H

#include "kconv/Keras/KerasModel.h"

#include <hdf5.h>

#include <optional>
#include <string>
#include <vector>

namespace kconv::keras::h5 {

/// Owns one HDF5 identifier (file, group, dataset, attribute, type or space).
class Handle {
public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle &&other) noexcept : id_(other.id_) { other.id_ = -1; }
  Handle &operator=(Handle &&other) noexcept;
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  ~Handle();
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

private:
  hid_t id_ = -1;
};

/// Silences HDF5's own error printing for the life of the process (we report errors),
/// and replaces HDF5's external-link class by one that refuses to be traversed: no
/// file kconv reads may pull in another file (Keras never writes external links).
void silenceErrors();

/// Opens an HDF5 file read-only; `what` names it in messages.
Handle openFile(const std::string &path);
/// Opens an in-memory HDF5 image (e.g. `model.weights.h5` inside a `.keras` zip).
Handle openImage(const std::vector<char> &bytes, const std::string &what);

/// Whether `path` (relative to `location`, '/'-separated) exists. Every component must
/// be a hard link: a soft, external or user-defined link is refused with a KerasError
/// ("<what> '<path>' is ...", `what` naming the file and the kind of object) before
/// anything follows it.
bool hasLink(hid_t location, const std::string &path, const std::string &what);
bool hasAttribute(hid_t location, const std::string &name);
/// Names of a group's direct children, in HDF5's (alphabetical) order.
std::vector<std::string> childNames(hid_t group, const std::string &what);
Handle openGroup(hid_t location, const std::string &name, const std::string &what);

/// A scalar string attribute (fixed-length or variable-length).
std::optional<std::string> readStringAttribute(hid_t location, const std::string &name,
                                               const std::string &what);
/// A 1-D list of strings (fixed or variable length); an empty numeric array is empty.
std::vector<std::string> readStringListAttribute(hid_t location, const std::string &name,
                                                 const std::string &what);
/// A floating-point dataset, converted to float32.
WeightTensor readFloatDataset(hid_t location, const std::string &path, const std::string &what);

} // namespace kconv::keras::h5

#endif
