// Keras 3 `.keras` archives: a zip of config.json, metadata.json and model.weights.h5.
// Entries are read into memory (never extracted), with their sizes bounded first.
#include "KerasError.h"
#include "IsolatedReader.h"
#include "KerasInternal.h"

#include <nlohmann/json.hpp>
#include <zip.h>

#include <memory>

namespace kconv::keras {
namespace {

constexpr zip_uint64_t kMaxJsonBytes = 64ull << 20;
constexpr zip_uint64_t kMaxWeightsBytes = 8ull << 30;

struct ZipCloser {
  void operator()(zip_t *z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

std::optional<std::vector<char>> readEntry(zip_t *archive, const std::string &path,
                                           const char *name, zip_uint64_t limit) {
  zip_int64_t index = zip_name_locate(archive, name, 0);
  if (index < 0)
    return std::nullopt;
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive, (zip_uint64_t)index, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE))
    throw KerasError(path + ": cannot read the size of '" + name + "'");
  if (stat.size > limit)
    throw KerasError(path + ": '" + name + "' claims " + std::to_string(stat.size) +
                     " bytes, more than kconv's limit of " + std::to_string(limit));
  std::unique_ptr<zip_file_t, int (*)(zip_file_t *)> file(
      zip_fopen_index(archive, (zip_uint64_t)index, 0), zip_fclose);
  if (!file)
    throw KerasError(path + ": cannot open '" + name + "' in the archive: " +
                     zip_strerror(archive));
  std::vector<char> bytes(stat.size);
  zip_int64_t got = bytes.empty() ? 0 : zip_fread(file.get(), bytes.data(), bytes.size());
  // One more byte must not exist: the entry is exactly as long as it claims.
  char extra;
  if (got != (zip_int64_t)bytes.size() || zip_fread(file.get(), &extra, 1) != 0)
    throw KerasError(path + ": '" + name + "' is corrupted (size or checksum mismatch)");
  return bytes;
}

} // namespace

namespace {
[[noreturn]] void throwZipError(const std::string &path, zip_error_t *ze) {
  std::string message = zip_error_strerror(ze);
  zip_error_fini(ze);
  throw KerasError(path + ": not a readable .keras archive (" + message + ")");
}

Status readArchive(ZipPtr archive, const std::string &path, LoadedModel &out);
} // namespace

Status readKerasArchive(const std::string &path, LoadedModel &out) {
  try {
    int error = 0;
    ZipPtr archive(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error));
    if (!archive) {
      zip_error_t ze;
      zip_error_init_with_code(&ze, error);
      throwZipError(path, &ze);
    }
    return readArchive(std::move(archive), path, out);
  } catch (const KerasError &e) {
    return Status::error(e.what());
  }
}

Status readKerasArchiveBytes(const std::vector<char> &bytes, const std::string &what,
                             LoadedModel &out) {
  try {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &ze);
    if (!source)
      throwZipError(what, &ze);
    ZipPtr archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &ze));
    if (!archive) {
      zip_source_free(source);
      throwZipError(what, &ze);
    }
    zip_error_fini(&ze);
    return readArchive(std::move(archive), what, out);
  } catch (const KerasError &e) {
    return Status::error(e.what());
  }
}

namespace {
Status readArchive(ZipPtr archive, const std::string &path, LoadedModel &out) {
  {
    std::optional<std::vector<char>> config =
        readEntry(archive.get(), path, "config.json", kMaxJsonBytes);
    if (!config)
      throw KerasError(path + ": the archive has no config.json (not a Keras 3 model)");
    std::string version;
    if (auto metadata = readEntry(archive.get(), path, "metadata.json", kMaxJsonBytes)) {
      nlohmann::json meta = nlohmann::json::parse(metadata->begin(), metadata->end(), nullptr,
                                                  /*allow_exceptions=*/false);
      if (meta.is_object() && meta.contains("keras_version") && meta["keras_version"].is_string())
        version = meta["keras_version"].get<std::string>();
    }
    LoadedModel loaded;
    Status status = parseModelJson(std::string(config->begin(), config->end()),
                                   path, loaded.model, version);
    if (!status)
      return status;
    if (auto weights = readEntry(archive.get(), path, "model.weights.h5", kMaxWeightsBytes)) {
      std::string what = path + ": model.weights.h5";
      Hdf5Contents contents;
      status = runIsolated(what, [&](Hdf5Contents &c) {
        c.weights.emplace();
        return readWeightsImage(*weights, what, *c.weights);
      }, contents);
      if (!status)
        return status;
      loaded.weights = std::move(contents.weights);
    }
    out = std::move(loaded);
    return Status::ok();
  }
}
} // namespace

} // namespace kconv::keras
