// Keras 2 HDF5 weights: `save_weights` files (layer groups at the root) and the
// `model_weights` group of full-model `.h5` files.
#include "Hdf5Util.h"
#include "KerasError.h"
#include "kconv/Keras/KerasLoader.h"
#include "KerasInternal.h"

#include <cctype>
#include <set>

namespace kconv::keras {
namespace {

/// "conv2d_1/kernel:0" -> "kernel"; Keras 3 legacy names have no ":0".
std::string shortWeightName(const std::string &full) {
  std::string name = full.substr(full.rfind('/') + 1);
  size_t colon = name.rfind(':');
  return colon == std::string::npos ? name : name.substr(0, colon);
}

void readLayerGroups(hid_t root, const std::string &path, Weights &out) {
  std::vector<std::string> layerNames = h5::readStringListAttribute(root, "layer_names", path);
  for (const std::string &layerName : layerNames) {
    std::string what = path + ": layer '" + layerName + "'";
    h5::Handle group = h5::openGroup(root, layerName, what);
    std::vector<std::string> weightNames =
        h5::readStringListAttribute(group.get(), "weight_names", what);
    if (weightNames.empty())
      continue;
    std::vector<WeightTensor> tensors;
    for (const std::string &weightName : weightNames) {
      WeightTensor tensor = h5::readFloatDataset(group.get(), weightName, what);
      tensor.name = shortWeightName(weightName);
      tensor.path = weightName;
      tensors.push_back(std::move(tensor));
    }
    if (!out.byLayer.emplace(layerName, std::move(tensors)).second)
      throw KerasError(what + ": listed twice in 'layer_names'");
    out.layerOrder.push_back(layerName);
  }
}

/// Keras 3: `layers/<path>/vars/0, 1, ...`, where a nested model's layers are below its
/// own group (`layers/functional/layers/dense/vars/0`); other top-level groups
/// (`optimizer`, `vars`) hold no layer weights.
void readKeras3Group(hid_t layers, const std::string &path, const std::string &prefix,
                     int depth, Weights &out) {
  for (const std::string &name : h5::childNames(layers, path)) {
    std::string key = prefix + name;
    std::string what = path + ": 'layers/" + key + "'";
    h5::Handle group = h5::openGroup(layers, name, what);
    if (h5::hasLink(group.get(), "layers", what + ": group")) {
      if (depth >= 32)
        throw KerasError(what + ": nested more than 32 levels deep");
      h5::Handle inner = h5::openGroup(group.get(), "layers", what);
      readKeras3Group(inner.get(), path, key + "/layers/", depth + 1, out);
    }
    // A layer made of layers (MultiHeadAttention: query_dense, ...) keeps theirs in
    // groups of its own, `layers/<path>/<attribute>/vars`: kept as "<path>/<attribute>",
    // outside layerOrder, for matchKeras3Weights to gather.
    if (depth < 32)
      for (const std::string &child : h5::childNames(group.get(), what)) {
        if (child == "vars" || child == "layers")
          continue;
        h5::Handle sub = h5::openGroup(group.get(), child, what);
        if (!h5::hasLink(sub.get(), "vars", what + ": group"))
          continue;
        h5::Handle subVars = h5::openGroup(sub.get(), "vars", what);
        std::vector<WeightTensor> tensors;
        for (size_t i = 0; h5::hasLink(subVars.get(), std::to_string(i), what + ": dataset");
             ++i) {
          WeightTensor tensor = h5::readFloatDataset(subVars.get(), std::to_string(i), what);
          tensor.name = child + "/vars/" + std::to_string(i);
          tensor.path = tensor.name;
          tensors.push_back(std::move(tensor));
        }
        if (!tensors.empty())
          out.byLayer.emplace(key + "/" + child, std::move(tensors));
      }
    // A recurrent layer's variables are its cell's (`layers/lstm/cell/vars/0, 1, 2`); a
    // Bidirectional's its forward layer's, then its backward layer's
    // (`layers/bidirectional/forward_layer/cell/vars/0`, ...).
    std::vector<WeightTensor> tensors;
    auto readVars = [&](hid_t owner, const std::string &prefix) {
      if (!h5::hasLink(owner, "vars", what + prefix + ": group"))
        return;
      h5::Handle vars = h5::openGroup(owner, "vars", what + prefix);
      for (size_t i = 0; h5::hasLink(vars.get(), std::to_string(i), what + ": dataset"); ++i) {
        WeightTensor tensor = h5::readFloatDataset(vars.get(), std::to_string(i), what);
        tensor.name = "vars/" + std::to_string(i);
        tensor.path = prefix.empty() ? tensor.name : prefix.substr(1) + "/" + tensor.name;
        tensors.push_back(std::move(tensor));
      }
    };
    auto readLayer = [&](hid_t layerGroup, const std::string &prefix) {
      if (h5::hasLink(layerGroup, "cell", what + prefix + ": group")) {
        h5::Handle cell = h5::openGroup(layerGroup, "cell", what + prefix);
        readVars(cell.get(), prefix + "/cell");
        if (!h5::hasLink(cell.get(), "cells", what + prefix + "/cell: group"))
          return;
        // StackedRNNCells: each cell's variables in a group named for its class
        // (`cell/cells/lstm_cell`, `lstm_cell_1`, ...), which only the configuration
        // puts in order: kept apart for matchKeras3Weights to gather.
        h5::Handle cells = h5::openGroup(cell.get(), "cells", what + prefix + "/cell");
        std::vector<WeightTensor> own = std::move(tensors);
        for (const std::string &child : h5::childNames(cells.get(), what)) {
          h5::Handle one = h5::openGroup(cells.get(), child, what);
          std::string sub = prefix + "/cell/cells/" + child;
          tensors.clear();
          readVars(one.get(), sub);
          if (!tensors.empty())
            out.byLayer.emplace(key + sub, std::move(tensors));
        }
        tensors = std::move(own);
      } else {
        readVars(layerGroup, prefix);
      }
    };
    if (h5::hasLink(group.get(), "forward_layer", what + ": group") &&
        h5::hasLink(group.get(), "backward_layer", what + ": group")) {
      for (const char *direction : {"forward_layer", "backward_layer"}) {
        h5::Handle inner = h5::openGroup(group.get(), direction, what);
        readLayer(inner.get(), std::string("/") + direction);
      }
    } else {
      readLayer(group.get(), "");
    }
    if (tensors.empty())
      continue;
    out.byLayer.emplace(key, std::move(tensors));
    out.layerOrder.push_back(key);
  }
}

void readKeras3Layers(hid_t root, const std::string &path, Weights &out) {
  h5::Handle layers = h5::openGroup(root, "layers", path);
  readKeras3Group(layers.get(), path, "", 0, out);
  out.keras3Layout = true;
}

} // namespace

/// Any Keras weights layout inside an open HDF5 file.
void readWeightsFrom(hid_t file, const std::string &what, Weights &weights) {
  weights.sourcePath = what;
  if (h5::hasAttribute(file, "layer_names")) {
    readLayerGroups(file, what, weights);
  } else if (h5::hasLink(file, "model_weights", what + ": group")) {
    h5::Handle group = h5::openGroup(file, "model_weights", what);
    readLayerGroups(group.get(), what, weights);
  } else if (h5::hasLink(file, "layers", what + ": group")) {
    readKeras3Layers(file, what, weights);
  } else {
    throw KerasError(what + ": not a Keras weights file (no 'layer_names' attribute, no "
                            "'model_weights' or 'layers' group)");
  }
}

namespace {
/// Weights from the HDF5 file `open` returns; `out` is left as it was on failure.
template <typename Open>
Status readWeightsWith(Open open, const std::string &what, Weights &out) {
  try {
    h5::Handle file = open();
    Weights weights;
    readWeightsFrom(file.get(), what, weights);
    out = std::move(weights);
    return Status::ok();
  } catch (const KerasError &e) {
    return Status::error(e.what());
  }
}
} // namespace

Status readWeightsImage(const std::vector<char> &image, const std::string &what, Weights &out) {
  return readWeightsWith([&] { return h5::openImage(image, what); }, what, out);
}

Status readWeightsH5(const std::string &path, Weights &out) {
  return readWeightsWith([&] { return h5::openFile(path); }, path, out);
}

} // namespace kconv::keras

namespace kconv::keras {

std::string kerasSnakeCase(const std::string &className) {
  // Keras 3 naming.to_snake_case: drop non-word characters, then "_" before an
  // upper-case letter that starts a lower-case run or follows a lower-case letter.
  std::string s;
  for (char c : className)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_')
      s += c;
  auto upper = [&](size_t i) { return i < s.size() && std::isupper((unsigned char)s[i]); };
  auto lower = [&](size_t i) { return i < s.size() && std::islower((unsigned char)s[i]); };
  std::string first;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && upper(i) && lower(i + 1))
      first += '_';
    first += s[i];
  }
  std::string result;
  for (size_t i = 0; i < first.size(); ++i) {
    result += static_cast<char>(std::tolower(static_cast<unsigned char>(first[i])));
    if (std::islower((unsigned char)first[i]) && i + 1 < first.size() &&
        std::isupper((unsigned char)first[i + 1]))
      result += '_';
  }
  return result;
}

Status matchKeras3Weights(const Model &model, Weights &weights) {
  if (!weights.keras3Layout)
    return Status::ok();
  std::map<std::string, int> used;
  Weights renamed;
  renamed.sourcePath = weights.sourcePath;
  std::set<std::string> claimed;
  for (const Layer &layer : model.layers) {
    std::string path = kerasSnakeCase(layer.className);
    auto [it, fresh] = used.emplace(path, 0);
    if (!fresh)
      path += "_" + std::to_string(++it->second);
    if (!layer.keras3Path.empty())
      path = layer.keras3Path; // set by the reader, nested models included
    if (!layer.weightOwner.empty())
      continue; // a shared layer's later call: the weights are its owner's
    auto found = weights.byLayer.find(path);
    // A layer whose weights are in groups below its own, gathered in `parts`' order
    // (each part: its group's names in the Keras versions).
    auto gather = [&](const std::vector<std::vector<std::string>> &parts) {
      std::vector<WeightTensor> gathered;
      for (const std::vector<std::string> &names : parts)
        for (const std::string &name : names) {
          auto sub = weights.byLayer.find(path + "/" + name);
          if (sub == weights.byLayer.end())
            continue;
          for (WeightTensor &tensor : sub->second)
            gathered.push_back(std::move(tensor));
          break;
        }
      if (gathered.empty())
        return;
      renamed.byLayer[layer.name] = std::move(gathered);
      renamed.layerOrder.push_back(layer.name);
    };
    if (found == weights.byLayer.end() && (layer.className == "MultiHeadAttention" ||
                                           layer.className == "GroupedQueryAttention")) {
      // Its projections' weights, in Keras 2's order: query, key, value, output
      // (attributes `query_dense`, ...; `_query_dense` before Keras 3.3).
      std::vector<std::vector<std::string>> parts;
      for (const char *part : {"query_dense", "key_dense", "value_dense", "output_dense"})
        parts.push_back({part, std::string("_") + part});
      gather(parts);
      continue;
    }
    if (found == weights.byLayer.end() && layer.className == "TimeDistributed")
      found = weights.byLayer.find(path + "/layer"); // its inner layer's, attribute `layer`
    const auto *stacked = std::get_if<StackedRecurrentConfig>(&layer.config);
    if (found == weights.byLayer.end() && stacked) {
      // Each cell's, in the cells' order: groups named as Keras names a list's items.
      std::map<std::string, int> names;
      std::vector<std::vector<std::string>> parts;
      for (const std::string &cls : stacked->cellClasses) {
        std::string name = kerasSnakeCase(cls);
        auto [count, first] = names.emplace(name, 0);
        if (!first)
          name += "_" + std::to_string(++count->second);
        parts.push_back({"cell/cells/" + name});
      }
      gather(parts);
      continue;
    }
    if (found == weights.byLayer.end())
      continue;
    renamed.byLayer[layer.name] = std::move(found->second);
    renamed.layerOrder.push_back(layer.name);
    claimed.insert(path);
  }
  for (const std::string &path : weights.layerOrder)
    if (!claimed.count(path))
      return Status::error(weights.sourcePath + ": holds weights at 'layers/" + path +
                           "', which matches no layer of the model");
  weights = std::move(renamed);
  return Status::ok();
}

Status matchNestedKeras2Weights(const Model &model, Weights &weights) {
  if (weights.keras3Layout)
    return Status::ok();
  // Per group (a top-level nested model), the layers stored in it.
  std::map<std::string, std::vector<const Layer *>> groups;
  for (const Layer &layer : model.layers)
    if (!layer.keras2Group.empty() && layer.weightOwner.empty())
      groups[layer.keras2Group].push_back(&layer);
  if (groups.empty())
    return Status::ok();
  std::map<std::string, std::vector<std::string>> splitOrder; // group -> owners, in order
  for (auto &[group, layers] : groups) {
    auto found = weights.byLayer.find(group);
    if (found == weights.byLayer.end())
      continue; // the importer reports the layers that need weights
    // "dense/kernel:0", "outer/dense/kernel:0": the layer is the last scope that names
    // one; a recurrent layer's weights are under its cell ("lstm/lstm_cell/kernel:0",
    // "bi/forward_lstm/lstm_cell/kernel:0"), so scopes naming no layer are passed over.
    std::map<std::string, std::vector<WeightTensor>> split;
    for (WeightTensor &tensor : found->second) {
      std::string name = tensor.path.empty() ? tensor.name : tensor.path;
      size_t slash = name.rfind('/');
      std::string scope = slash == std::string::npos ? "" : name.substr(0, slash);
      const Layer *owner = nullptr;
      while (!owner) {
        size_t cut = scope.rfind('/');
        std::string leaf = cut == std::string::npos ? scope : scope.substr(cut + 1);
        for (const Layer *layer : layers) {
          if (layer->keras2Scope != leaf)
            continue;
          if (owner)
            return Status::error(weights.sourcePath + ": weight '" + name + "' of nested model '" +
                                 group + "' could be that of layer '" + owner->name + "' or '" +
                                 layer->name + "'");
          owner = layer;
        }
        if (cut == std::string::npos)
          break;
        scope.resize(cut);
      }
      if (!owner)
        return Status::error(weights.sourcePath + ": weight '" + name + "' of nested model '" +
                             group + "' belongs to no layer of that model");
      split[owner->name].push_back(std::move(tensor));
    }
    for (const Layer *layer : layers) {
      auto tensors = split.find(layer->name);
      if (tensors == split.end())
        continue;
      if (!weights.byLayer.emplace(layer->name, std::move(tensors->second)).second)
        return Status::error(weights.sourcePath + ": holds weights for layer '" + layer->name +
                             "' twice");
      splitOrder[group].push_back(layer->name);
    }
    weights.byLayer.erase(found);
  }
  std::vector<std::string> order;
  for (const std::string &name : weights.layerOrder) {
    auto it = splitOrder.find(name);
    if (it == splitOrder.end() && groups.count(name))
      continue; // a nested model without weighted layers
    if (it == splitOrder.end())
      order.push_back(name);
    else
      order.insert(order.end(), it->second.begin(), it->second.end());
  }
  weights.layerOrder = std::move(order);
  return Status::ok();
}

} // namespace kconv::keras
