// Detects the kind of Keras file and dispatches to the right reader.
#include "Hdf5Util.h"
#include "KerasError.h"
#include "IsolatedReader.h"
#include "KerasInternal.h"
#include "kconv/Keras/KerasLoader.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace kconv::keras {

FileKind detectFileKind(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {0};
  in.read(head, sizeof head);
  std::streamsize got = in.gcount();
  if (got >= 8 && std::memcmp(head, "\x89HDF\r\n\x1a\n", 8) == 0)
    return FileKind::Hdf5;
  if (got >= 4 && std::memcmp(head, "PK\x03\x04", 4) == 0)
    return FileKind::Zip;
  for (std::streamsize i = 0; i < got; ++i) {
    char c = head[i];
    if (c == '{' || c == '[')
      return FileKind::Json;
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
      break;
  }
  return FileKind::Unknown;
}

namespace {

/// Model configurations are text; anything this large is not one.
constexpr std::streamoff kMaxConfigBytes = 256 << 20;

std::string readTextFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    throw KerasError(path + ": cannot open");
  if (in.tellg() > kMaxConfigBytes)
    throw KerasError(path + ": " + std::to_string(in.tellg()) +
                     " bytes is too large for a model configuration (limit 256 MiB)");
  in.seekg(0);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Models and weights are read from regular files only: opening a FIFO blocks until a
/// writer comes, a device never ends, a directory is no file. Checked before any open.
void requireReadable(const std::string &path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    throw KerasError(path + ": cannot open (missing or unreadable)");
  if (!S_ISREG(info.st_mode)) {
    const char *kind = S_ISDIR(info.st_mode)                              ? "a directory"
                       : S_ISFIFO(info.st_mode)                           ? "a FIFO"
                       : S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode)   ? "a device"
                       : S_ISSOCK(info.st_mode)                           ? "a socket"
                                                                          : "a special file";
    throw KerasError(path + ": is " + kind + "; kconv reads models and weights from regular "
                            "files only");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw KerasError(path + ": cannot open (missing or unreadable)");
}

} // namespace

Status loadKerasModel(const std::string &modelPath, const std::string &weightsPath,
                      LoadedModel &out) {
  try {
    requireReadable(modelPath);
    LoadedModel loaded;
    switch (detectFileKind(modelPath)) {
    case FileKind::Json: {
      Status status = parseModelJson(readTextFile(modelPath), modelPath, loaded.model);
      if (!status)
        return status;
      break;
    }
    case FileKind::Hdf5: {
      Hdf5Contents contents;
      bool wantWeights = weightsPath.empty();
      Status read = runIsolated(modelPath, [&](Hdf5Contents &c) {
        try {
          {
            h5::Handle file = h5::openFile(modelPath);
            c.modelConfig = h5::readStringAttribute(file.get(), "model_config", modelPath);
          }
          if (c.modelConfig && wantWeights) {
            c.weights.emplace();
            return readWeightsH5(modelPath, *c.weights);
          }
          return Status::ok();
        } catch (const KerasError &e) {
          return Status::error(e.what());
        }
      }, contents);
      if (!read)
        return read;
      std::optional<std::string> &config = contents.modelConfig;
      if (!config)
        throw KerasError(modelPath + ": this HDF5 file holds no model configuration "
                                     "('model_config'); is it a weights file? Pass the model "
                                     "JSON and give this file with --weights");
      Status status = parseModelJson(*config, modelPath, loaded.model);
      if (!status)
        return status;
      loaded.weights = std::move(contents.weights);
      break;
    }
    case FileKind::Zip: {
      if (Status status = readKerasArchive(modelPath, loaded); !status)
        return status;
      if (!weightsPath.empty())
        loaded.weights.reset();
      break;
    }
    case FileKind::Unknown:
      throw KerasError(modelPath + ": not a Keras model file (expected a JSON configuration, "
                                   "an HDF5 '.h5' or a '.keras' archive)");
    }
    if (!weightsPath.empty()) {
      requireReadable(weightsPath);
      if (detectFileKind(weightsPath) != FileKind::Hdf5)
        throw KerasError(weightsPath + ": not an HDF5 weights file");
      Hdf5Contents contents;
      Status read = runIsolated(weightsPath, [&](Hdf5Contents &c) {
        c.weights.emplace();
        return readWeightsH5(weightsPath, *c.weights);
      }, contents);
      if (!read)
        return read;
      loaded.weights = std::move(contents.weights);
    }
    if (loaded.weights)
      for (auto match : {matchKeras3Weights, matchNestedKeras2Weights})
        if (Status status = match(loaded.model, *loaded.weights); !status)
          return status;
    out = std::move(loaded);
    return Status::ok();
  } catch (const KerasError &e) {
    return Status::error(e.what());
  }
}

} // namespace kconv::keras
