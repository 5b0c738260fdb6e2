// Keras 2 HDF5 weights: `save_weights` files (layer groups at the root) and the
// `model_weights` group of full-model `.h5` files.
#include "Hdf5Util.h"
#include "KerasError.h"
#include "kconv/Keras/KerasLoader.h"

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
      tensors.push_back(std::move(tensor));
    }
    if (!out.byLayer.emplace(layerName, std::move(tensors)).second)
      throw KerasError(what + ": listed twice in 'layer_names'");
    out.layerOrder.push_back(layerName);
  }
}

} // namespace

Status readWeightsH5(const std::string &path, Weights &out) {
  try {
    h5::Handle file = h5::openFile(path);
    Weights weights;
    weights.sourcePath = path;
    if (h5::hasAttribute(file.get(), "layer_names")) {
      readLayerGroups(file.get(), path, weights);
    } else if (h5::hasLink(file.get(), "model_weights")) {
      h5::Handle group = h5::openGroup(file.get(), "model_weights", path);
      readLayerGroups(group.get(), path, weights);
    } else if (h5::hasLink(file.get(), "layers")) {
      throw KerasError(path + ": Keras 3 '.weights.h5' files are not supported yet");
    } else {
      throw KerasError(path + ": not a Keras weights file (no 'layer_names' attribute and no "
                              "'model_weights' group)");
    }
    out = std::move(weights);
    return Status::ok();
  } catch (const KerasError &e) {
    return Status::error(e.what());
  }
}

} // namespace kconv::keras
