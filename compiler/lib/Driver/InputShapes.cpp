// --input-shape: a model input's None dimensions given sizes before the import.
#include "InputShapes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

namespace kconv::driver {

namespace {

/// "224x224x3" -> {224, 224, 3}; empty on a malformed or non-positive size.
std::vector<int64_t> parseSizes(llvm::StringRef text) {
  std::vector<int64_t> sizes;
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, 'x');
  for (llvm::StringRef part : parts) {
    uint64_t size = 0;
    // getAsInteger accepts a sign only for signed types: digits alone here.
    if (part.empty() || part.getAsInteger(10, size) || size == 0 || size > (1ull << 31) - 1)
      return {};
    sizes.push_back(int64_t(size));
  }
  return sizes;
}

std::string format(const std::vector<keras::Dim> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + (shape[i] ? std::to_string(*shape[i]) : std::string("None"));
  return s + (shape.size() == 1 ? ",)" : ")");
}

} // namespace

std::string applyInputShapes(keras::Model &model, const std::vector<std::string> &specs) {
  for (const std::string &spec : specs) {
    std::string prefix = "--input-shape=" + spec + ": ";
    llvm::StringRef text(spec), name;
    size_t colon = text.rfind(':');
    if (colon != llvm::StringRef::npos) {
      name = text.take_front(colon);
      text = text.drop_front(colon + 1);
    } else if (model.inputs.size() == 1) {
      name = model.inputs[0];
    } else {
      return prefix + "the model has " + std::to_string(model.inputs.size()) +
             " inputs: name one, NAME:D1xD2x...";
    }
    std::vector<int64_t> sizes = parseSizes(text);
    if (sizes.empty())
      return prefix + "expected sizes from 1 to 2^31 - 1 separated by 'x' (the dimensions "
                      "after the batch), e.g. 224x224x3";
    keras::InputConfig *input = nullptr;
    if (llvm::is_contained(model.inputs, name.str()))
      for (keras::Layer &layer : model.layers)
        if (layer.name == name)
          input = std::get_if<keras::InputConfig>(&layer.config);
    if (!input)
      return prefix + "the model has no input '" + name.str() + "' (its inputs: " +
             llvm::join(model.inputs, ", ") + ")";
    std::vector<keras::Dim> &shape = input->batchShape;
    if (sizes.size() + 1 != shape.size())
      return prefix + "input '" + name.str() + "' is " + format(shape) + ": give " +
             std::to_string(shape.size() - 1) + " sizes after the batch, not " +
             std::to_string(sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i)
      if (shape[i + 1] && *shape[i + 1] != sizes[i])
        return prefix + "input '" + name.str() + "' is " + format(shape) + ": dimension " +
               std::to_string(i + 1) + " is " + std::to_string(*shape[i + 1]) + ", not " +
               std::to_string(sizes[i]);
    for (size_t i = 0; i < sizes.size(); ++i)
      shape[i + 1] = sizes[i];
  }
  return "";
}

} // namespace kconv::driver
