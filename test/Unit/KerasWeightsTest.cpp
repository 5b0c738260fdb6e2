// Keras 2 HDF5 weights: fixed- and variable-length name lists, empty float64 lists
// for weightless layers, full-model files, and the errors for broken files.
#include "kconv/Keras/KerasLoader.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace kconv::keras;
using kconv::Status;

/// Writes string-list attributes as Keras 2.11+ does (variable-length UTF-8) or as
/// Keras <= 2.4 does (fixed-length bytes).
void writeStringList(hid_t location, const char *name, const std::vector<std::string> &values,
                     bool variableLength) {
  hsize_t count = values.size();
  hid_t space = H5Screate_simple(1, &count, nullptr);
  hid_t type = H5Tcopy(H5T_C_S1);
  if (variableLength) {
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    std::vector<const char *> pointers;
    for (const std::string &v : values)
      pointers.push_back(v.c_str());
    hid_t attr = H5Acreate2(location, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, type, pointers.data());
    H5Aclose(attr);
  } else {
    size_t width = 1;
    for (const std::string &v : values)
      width = std::max(width, v.size());
    H5Tset_size(type, width);
    std::vector<char> buffer(width * values.size(), '\0');
    for (size_t i = 0; i < values.size(); ++i)
      std::copy(values[i].begin(), values[i].end(), buffer.begin() + i * width);
    hid_t attr = H5Acreate2(location, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, type, buffer.data());
    H5Aclose(attr);
  }
  H5Tclose(type);
  H5Sclose(space);
}

void writeEmptyFloatList(hid_t location, const char *name) {
  hsize_t zero = 0;
  hid_t space = H5Screate_simple(1, &zero, nullptr);
  hid_t attr = H5Acreate2(location, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Aclose(attr);
  H5Sclose(space);
}

void writeDataset(hid_t location, const std::string &path, std::vector<hsize_t> dims,
                  const std::vector<double> &values) {
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t space = H5Screate_simple((int)dims.size(), dims.data(), nullptr);
  // float64 on disk: the reader must convert.
  hid_t set = H5Dcreate2(location, path.c_str(), H5T_IEEE_F64LE, space, lcpl, H5P_DEFAULT,
                         H5P_DEFAULT);
  H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(set);
  H5Sclose(space);
  H5Pclose(lcpl);
}

/// Layer groups: conv2d (kernel 1x1x1x2, bias 2) and a weightless dropout.
void writeLayerGroups(hid_t root, bool variableLength) {
  writeStringList(root, "layer_names", {"conv2d", "dropout"}, variableLength);
  hid_t conv = H5Gcreate2(root, "conv2d", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  writeStringList(conv, "weight_names", {"conv2d/kernel:0", "conv2d/bias:0"}, variableLength);
  writeDataset(conv, "conv2d/kernel:0", {1, 1, 1, 2}, {0.5, -2.0});
  writeDataset(conv, "conv2d/bias:0", {2}, {1.0, 3.0});
  H5Gclose(conv);
  hid_t dropout = H5Gcreate2(root, "dropout", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  writeEmptyFloatList(dropout, "weight_names");
  H5Gclose(dropout);
}

std::string tempPath(const std::string &name) { return testing::TempDir() + "/" + name; }

void expectConvWeights(const Weights &w) {
  ASSERT_EQ(w.layerOrder, std::vector<std::string>{"conv2d"});
  const std::vector<WeightTensor> &t = w.byLayer.at("conv2d");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].name, "kernel");
  EXPECT_EQ(t[0].shape, (std::vector<int64_t>{1, 1, 1, 2}));
  EXPECT_EQ(t[0].values, (std::vector<float>{0.5f, -2.0f}));
  EXPECT_EQ(t[1].name, "bias");
  EXPECT_EQ(t[1].values, (std::vector<float>{1.0f, 3.0f}));
}

TEST(KerasWeights, SaveWeightsFilesWithFixedAndVariableLengthNames) {
  for (bool variableLength : {false, true}) {
    std::string path = tempPath(variableLength ? "vlen.h5" : "fixed.h5");
    hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    writeLayerGroups(file, variableLength);
    H5Fclose(file);
    Weights w;
    Status status = readWeightsH5(path, w);
    ASSERT_TRUE(status.isOk()) << status.message();
    expectConvWeights(w);
    std::remove(path.c_str());
  }
}

TEST(KerasWeights, FullModelFileHasConfigAndWeights) {
  std::string path = tempPath("full.h5");
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  std::string config = R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "Conv2D", "config": {"name": "conv2d", "filters": 2, "kernel_size": [1, 1],
       "batch_input_shape": [null, 3, 3, 1]}}]}, "keras_version": "2.11.0"})";
  hid_t strType = H5Tcopy(H5T_C_S1);
  H5Tset_size(strType, H5T_VARIABLE);
  hid_t scalar = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(file, "model_config", strType, scalar, H5P_DEFAULT, H5P_DEFAULT);
  const char *text = config.c_str();
  H5Awrite(attr, strType, &text);
  H5Aclose(attr);
  H5Sclose(scalar);
  H5Tclose(strType);
  hid_t group = H5Gcreate2(file, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  writeLayerGroups(group, true);
  H5Gclose(group);
  H5Fclose(file);

  EXPECT_EQ(detectFileKind(path), FileKind::Hdf5);
  LoadedModel loaded;
  Status status = loadKerasModel(path, "", loaded);
  ASSERT_TRUE(status.isOk()) << status.message();
  EXPECT_EQ(loaded.model.name, "s");
  ASSERT_TRUE(loaded.weights.has_value());
  expectConvWeights(*loaded.weights);
  std::remove(path.c_str());
}

TEST(KerasWeights, BrokenFilesGiveMessagesNamingFileAndLayer) {
  std::string path = tempPath("missing-dataset.h5");
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  writeStringList(file, "layer_names", {"conv2d"}, true);
  hid_t conv = H5Gcreate2(file, "conv2d", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  writeStringList(conv, "weight_names", {"conv2d/kernel:0"}, true);
  H5Gclose(conv);
  H5Fclose(file);
  Weights w;
  Status status = readWeightsH5(path, w);
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.message(),
            path + ": layer 'conv2d': dataset 'conv2d/kernel:0' is missing");
  std::remove(path.c_str());

  std::string notHdf5 = tempPath("not.h5");
  std::ofstream(notHdf5) << "plain text";
  status = readWeightsH5(notHdf5, w);
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.message(), notHdf5 + ": cannot open as an HDF5 file");

  LoadedModel loaded;
  status = loadKerasModel(notHdf5, "", loaded);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("not a Keras model file"), std::string::npos);
  status = loadKerasModel("/nonexistent/model.json", "", loaded);
  EXPECT_EQ(status.message(), "/nonexistent/model.json: cannot open (missing or unreadable)");
  std::remove(notHdf5.c_str());
}

} // namespace
