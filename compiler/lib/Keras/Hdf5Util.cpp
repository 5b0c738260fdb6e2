#include "Hdf5Util.h"

#include "KerasError.h"

#include <H5PLpublic.h>
#include <hdf5_hl.h>

#include <algorithm>

namespace kconv::keras::h5 {

Handle &Handle::operator=(Handle &&other) noexcept {
  if (this != &other) {
    if (id_ >= 0)
      H5Idec_ref(id_);
    id_ = other.id_;
    other.id_ = -1;
  }
  return *this;
}

Handle::~Handle() {
  if (id_ >= 0)
    H5Idec_ref(id_);
}

namespace {
/// Traversal of an external link always fails (the class replaces HDF5's own).
hid_t refuseExternalLink(const char *, hid_t, const void *, size_t, hid_t, hid_t) {
  return H5I_INVALID_HID;
}
} // namespace

void silenceErrors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // A dataset whose filter is not built in made libhdf5 load every shared library in
  // HDF5_PLUGIN_PATH (or its default directory): code from outside kconv, run on a
  // file's say-so. Keras uses no filter plugins.
  H5PLset_loading_state(0);
  static const bool registered = [] {
    static const H5L_class_t refusing = {
        H5L_LINK_CLASS_T_VERS, H5L_TYPE_EXTERNAL, "external link (refused by kconv)",
        nullptr, nullptr, nullptr, refuseExternalLink, nullptr, nullptr};
    return H5Lregister(&refusing) >= 0;
  }();
  (void)registered;
}

Handle openFile(const std::string &path) {
  silenceErrors();
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file.valid())
    throw KerasError(path + ": cannot open as an HDF5 file");
  return file;
}

Handle openImage(const std::vector<char> &bytes, const std::string &what) {
  silenceErrors();
  // H5LT copies the buffer; the image is read-only.
  Handle file(H5LTopen_file_image(const_cast<char *>(bytes.data()), bytes.size(), 0));
  if (!file.valid())
    throw KerasError(what + ": not a readable HDF5 image");
  return file;
}

bool hasLink(hid_t location, const std::string &path, const std::string &what) {
  // H5Lexists follows every component but the last, so each prefix is checked in
  // turn: by the time a component is followed, it is known to be a hard link.
  std::string prefix = !path.empty() && path[0] == '/' ? "/" : "";
  bool any = false;
  for (size_t start = 0; start < path.size();) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string component = path.substr(start, end - start);
    start = end + 1;
    if (component.empty())
      continue;
    if (!prefix.empty() && prefix.back() != '/')
      prefix += '/';
    prefix += component;
    any = true;
    if (H5Lexists(location, prefix.c_str(), H5P_DEFAULT) <= 0)
      return false;
    H5L_info_t info;
    if (H5Lget_info(location, prefix.c_str(), &info, H5P_DEFAULT) < 0)
      throw KerasError(what + ": cannot read the link '" + prefix + "'");
    if (info.type != H5L_TYPE_HARD) {
      const char *kind = info.type == H5L_TYPE_SOFT       ? "a soft link"
                         : info.type == H5L_TYPE_EXTERNAL ? "an external link to another file"
                                                          : "a user-defined link";
      throw KerasError(what + " '" + path + "'" +
                       (prefix == path ? std::string() : ": its part '" + prefix + "'") + " is " +
                       kind +
                       "; Keras never writes links and kconv does not follow them");
    }
  }
  return any;
}

bool hasAttribute(hid_t location, const std::string &name) {
  return H5Aexists(location, name.c_str()) > 0;
}

std::vector<std::string> childNames(hid_t group, const std::string &what) {
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0)
    throw KerasError(what + ": cannot list a group");
  if (info.nlinks > 100000)
    throw KerasError(what + ": implausibly many entries in a group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t len = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0,
                                     H5P_DEFAULT);
    if (len < 0 || len > 4096)
      throw KerasError(what + ": unreadable entry name");
    std::string name(static_cast<size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<size_t>(len));
    names.push_back(name);
  }
  return names;
}

namespace {
/// The `kind` ("group", "dataset") at `path`, opened by `open`; an error when it is
/// missing or something else.
Handle openObject(hid_t location, const std::string &path, const std::string &what,
                  const std::string &kind, hid_t (*open)(hid_t, const char *, hid_t)) {
  if (!hasLink(location, path, what + ": " + kind))
    throw KerasError(what + ": " + kind + " '" + path + "' is missing");
  Handle object(open(location, path.c_str(), H5P_DEFAULT));
  if (!object.valid())
    throw KerasError(what + ": '" + path + "' is not a " + kind);
  return object;
}
} // namespace

Handle openGroup(hid_t location, const std::string &name, const std::string &what) {
  return openObject(location, name, what, "group", H5Gopen2);
}

namespace {
std::vector<std::string> readStrings(hid_t attribute, hid_t type, size_t count,
                                     const std::string &what) {
  std::vector<std::string> result;
  if (H5Tis_variable_str(type) > 0) {
    std::vector<char *> pointers(count, nullptr);
    Handle memType(H5Tcopy(H5T_C_S1));
    H5Tset_size(memType.get(), H5T_VARIABLE);
    H5Tset_cset(memType.get(), H5Tget_cset(type));
    if (H5Aread(attribute, memType.get(), pointers.data()) < 0)
      throw KerasError(what + ": cannot read a string attribute");
    for (char *p : pointers)
      result.emplace_back(p ? p : "");
    Handle space(H5Aget_space(attribute));
    H5Dvlen_reclaim(memType.get(), space.get(), H5P_DEFAULT, pointers.data());
    return result;
  }
  size_t width = H5Tget_size(type);
  if (width == 0 || width > (1u << 20) || count > (1u << 24))
    throw KerasError(what + ": implausible string attribute size");
  std::vector<char> buffer(width * count);
  if (H5Aread(attribute, type, buffer.data()) < 0)
    throw KerasError(what + ": cannot read a string attribute");
  for (size_t i = 0; i < count; ++i) {
    const char *start = buffer.data() + i * width;
    size_t len = 0;
    while (len < width && start[len] != '\0')
      ++len;
    result.emplace_back(start, len);
  }
  return result;
}

size_t elementCount(hid_t space, std::vector<hsize_t> &dims, const std::string &what) {
  int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > 8)
    throw KerasError(what + ": unsupported rank");
  dims.resize(rank);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  size_t count = 1;
  for (hsize_t d : dims) {
    if (d > (hsize_t)kMaxWeightElements || (count *= d) > (size_t)kMaxWeightElements)
      throw KerasError(what + ": tensor is larger than kconv's limit of 2^30 elements");
  }
  return count;
}
} // namespace

std::optional<std::string> readStringAttribute(hid_t location, const std::string &name,
                                               const std::string &what) {
  if (!hasAttribute(location, name))
    return std::nullopt;
  Handle attribute(H5Aopen(location, name.c_str(), H5P_DEFAULT));
  Handle type(H5Aget_type(attribute.get()));
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw KerasError(what + ": attribute '" + name + "' is not a string");
  std::vector<std::string> values = readStrings(attribute.get(), type.get(), 1, what);
  return values.front();
}

std::vector<std::string> readStringListAttribute(hid_t location, const std::string &name,
                                                 const std::string &what) {
  if (!hasAttribute(location, name))
    throw KerasError(what + ": attribute '" + name + "' is missing");
  Handle attribute(H5Aopen(location, name.c_str(), H5P_DEFAULT));
  Handle type(H5Aget_type(attribute.get()));
  Handle space(H5Aget_space(attribute.get()));
  std::vector<hsize_t> dims;
  size_t count = elementCount(space.get(), dims, what);
  // An empty list reads as empty whatever its type: Keras writes a weightless layer's
  // names as an empty float64 array, other writers as an empty string array.
  if (count == 0)
    return {};
  if (H5Tget_class(type.get()) != H5T_STRING) {
    throw KerasError(what + ": attribute '" + name + "' is not a list of strings");
  }
  return readStrings(attribute.get(), type.get(), count, what);
}

WeightTensor readFloatDataset(hid_t location, const std::string &path, const std::string &what) {
  Handle dataset = openObject(location, path, what, "dataset", H5Dopen2);
  // The data must be in this file: external raw storage names other files (any
  // readable file became a kernel), and a virtual dataset maps other datasets,
  // possibly in other files. Keras writes neither.
  Handle plist(H5Dget_create_plist(dataset.get()));
  if (!plist.valid())
    throw KerasError(what + ": dataset '" + path + "' has no readable creation properties");
  if (H5Pget_layout(plist.get()) == H5D_VIRTUAL)
    throw KerasError(what + ": dataset '" + path +
                     "' is a virtual dataset (data from other datasets); Keras never writes "
                     "one and kconv refuses it");
  for (int i = 0, n = H5Pget_nfilters(plist.get()); i < n; ++i) {
    unsigned flags = 0, config = 0;
    size_t values = 0;
    H5Z_filter_t filter =
        H5Pget_filter2(plist.get(), unsigned(i), &flags, &values, nullptr, 0, nullptr, &config);
    if (filter < 0 || H5Zfilter_avail(filter) <= 0)
      throw KerasError(what + ": dataset '" + path + "' needs HDF5 filter " +
                       std::to_string(filter) +
                       ", which is not built into libhdf5 (kconv loads no HDF5 plugins)");
  }
  if (H5Pget_external_count(plist.get()) != 0)
    throw KerasError(what + ": dataset '" + path +
                     "' keeps its data in external files; Keras never writes that and kconv "
                     "refuses it");
  Handle type(H5Dget_type(dataset.get()));
  // Integer datasets are read converted to float (Normalization's int64 `count`).
  H5T_class_t typeClass = H5Tget_class(type.get());
  if (typeClass != H5T_FLOAT && typeClass != H5T_INTEGER)
    throw KerasError(what + ": dataset '" + path + "' is not floating point or integer");
  Handle space(H5Dget_space(dataset.get()));
  std::vector<hsize_t> dims;
  WeightTensor tensor;
  size_t count = elementCount(space.get(), dims, what + ": dataset '" + path + "'");
  // A dataset cannot hold more data than its file, unless compressed (deflate tops
  // out near 1000:1): a header that claims more is lying, and is rejected before
  // anything that large is allocated.
  Handle file(H5Iget_file_id(dataset.get()));
  hsize_t fileSize = 0;
  H5Fget_filesize(file.get(), &fileSize);
  bool compressed = H5Pget_nfilters(plist.get()) > 0;
  uint64_t plausible = uint64_t(fileSize) * (compressed ? 1100 : 1) + 4096;
  uint64_t declared = uint64_t(count) * H5Tget_size(type.get());
  if (declared > plausible)
    throw KerasError(what + ": dataset '" + path + "' declares " + std::to_string(declared) +
                     " bytes of data but the file has only " + std::to_string(fileSize));
  // Contiguous data must lie inside the file (libhdf5 reads past the end of an
  // in-memory image otherwise).
  if (H5Pget_layout(plist.get()) == H5D_CONTIGUOUS) {
    haddr_t offset = H5Dget_offset(dataset.get());
    if (offset != HADDR_UNDEF && (offset > fileSize || declared > fileSize - offset))
      throw KerasError(what + ": dataset '" + path + "' points outside the file (corrupted)");
  }
  tensor.values.resize(count);
  for (hsize_t d : dims)
    tensor.shape.push_back(static_cast<int64_t>(d));
  if (!tensor.values.empty() &&
      H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
              tensor.values.data()) < 0)
    throw KerasError(what + ": cannot read dataset '" + path + "' (corrupted?)");
  return tensor;
}

} // namespace kconv::keras::h5
