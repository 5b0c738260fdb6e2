// Keras 3 `.keras` archives: a zip of config.json, metadata.json and model.weights.h5.
// Entries are read into memory (never extracted), with their sizes bounded first.
#include "KerasError.h"
#include "IsolatedReader.h"
#include "KerasInternal.h"
#include "KerasJson.h"

#include <nlohmann/json.hpp>
#include <zip.h>

#include <sys/stat.h>

#include <algorithm>
#include <memory>

namespace kconv::keras {
namespace {

/// config.json can be large for big functional models; metadata.json is a handful of
/// fields. The weights entry is bounded by what the model's parameters can need, and by
/// kMaxWeightsBytes where that bound is unknown (see parameterBound).
constexpr zip_uint64_t kMaxConfigBytes = 64ull << 20;
constexpr zip_uint64_t kMaxMetadataBytes = 1ull << 20;
constexpr zip_uint64_t kMaxWeightsBytes = 8ull << 30;
/// Deflate cannot expand data more than about 1032:1 (Keras writes deflate or stored
/// entries); an entry that claims more is a zip bomb.
constexpr zip_uint64_t kMaxCompressionRatio = 1100;
/// Entries are read in chunks of this size, so memory follows the bytes that really
/// come out of the decompressor, not what the archive claims.
constexpr size_t kReadChunk = 1 << 20;

struct ZipCloser {
  void operator()(zip_t *z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

/// One archive entry, read into memory after its declared sizes are checked against
/// `limit`, the compression ratio and the archive's own size `archiveBytes`.
std::optional<std::vector<char>> readEntry(zip_t *archive, const std::string &path,
                                           const char *name, zip_uint64_t limit,
                                           zip_uint64_t archiveBytes,
                                           const std::string &limitReason = "") {
  zip_int64_t index = zip_name_locate(archive, name, 0);
  if (index < 0)
    return std::nullopt;
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive, (zip_uint64_t)index, 0, &stat) != 0 ||
      !(stat.valid & ZIP_STAT_SIZE) || !(stat.valid & ZIP_STAT_COMP_SIZE))
    throw KerasError(path + ": cannot read the size of '" + name + "'");
  if (stat.size > limit)
    throw KerasError(path + ": '" + name + "' claims " + std::to_string(stat.size) +
                     " bytes, more than " +
                     (limitReason.empty() ? "kconv's limit of " + std::to_string(limit)
                                          : limitReason));
  if (stat.comp_size > archiveBytes)
    throw KerasError(path + ": '" + name + "' claims " + std::to_string(stat.comp_size) +
                     " compressed bytes in an archive of " + std::to_string(archiveBytes) +
                     " (corrupted)");
  if (stat.size > stat.comp_size * kMaxCompressionRatio + 65536)
    throw KerasError(path + ": '" + name + "' claims " + std::to_string(stat.size) +
                     " bytes from " + std::to_string(stat.comp_size) +
                     " compressed bytes, a compression ratio no Keras file has (a zip bomb?)");
  std::unique_ptr<zip_file_t, int (*)(zip_file_t *)> file(
      zip_fopen_index(archive, (zip_uint64_t)index, 0), zip_fclose);
  if (!file)
    throw KerasError(path + ": cannot open '" + name + "' in the archive: " +
                     zip_strerror(archive));
  // Streamed in chunks: the vector grows with the bytes actually decompressed, and
  // reading stops at the first byte beyond the declared size.
  std::vector<char> bytes;
  bytes.reserve(std::min<zip_uint64_t>(stat.size, kReadChunk));
  for (;;) {
    size_t old = bytes.size();
    size_t want = std::min<zip_uint64_t>(kReadChunk, stat.size - std::min<zip_uint64_t>(
                                                         stat.size, old)) + 1;
    bytes.resize(old + want);
    zip_int64_t got = zip_fread(file.get(), bytes.data() + old, want);
    if (got < 0)
      throw KerasError(path + ": '" + name + "' is corrupted (" + zip_file_strerror(file.get()) +
                       ")");
    bytes.resize(old + size_t(got));
    if (bytes.size() > stat.size)
      throw KerasError(path + ": '" + name + "' holds more than its declared " +
                       std::to_string(stat.size) + " bytes (corrupted)");
    if (got == 0)
      break;
  }
  if (bytes.size() != stat.size)
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

Status readArchive(ZipPtr archive, const std::string &path, zip_uint64_t archiveBytes,
                   LoadedModel &out);
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
    // (If the size cannot be read, the largest that keeps the ratio check from overflowing.)
    struct stat info;
    zip_uint64_t archiveBytes = ::stat(path.c_str(), &info) == 0
                                    ? zip_uint64_t(info.st_size)
                                    : ~zip_uint64_t(0) / (2 * kMaxCompressionRatio);
    return readArchive(std::move(archive), path, archiveBytes, out);
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
    return readArchive(std::move(archive), what, bytes.size(), out);
  } catch (const KerasError &e) {
    return Status::error(e.what());
  }
}

namespace {
Status readArchive(ZipPtr archive, const std::string &path, zip_uint64_t archiveBytes,
                   LoadedModel &out) {
  {
    std::optional<std::vector<char>> config =
        readEntry(archive.get(), path, "config.json", kMaxConfigBytes, archiveBytes);
    if (!config)
      throw KerasError(path + ": the archive has no config.json (not a Keras 3 model)");
    std::string version;
    if (auto metadata =
            readEntry(archive.get(), path, "metadata.json", kMaxMetadataBytes, archiveBytes)) {
      // The depth limit applies to every JSON document (a metadata.json of 60 MiB of
      // '[' took gigabytes); malformed metadata is otherwise ignored, as Keras does.
      std::string text(metadata->begin(), metadata->end());
      checkJsonDepth(text, path + ": metadata.json");
      nlohmann::json meta = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (meta.is_object() && meta.contains("keras_version") && meta["keras_version"].is_string())
        version = meta["keras_version"].get<std::string>();
    }
    LoadedModel loaded;
    Status status = parseModelJson(std::string(config->begin(), config->end()),
                                   path, loaded.model, version);
    if (!status)
      return status;
    // The weights cannot need more than the model's parameters: 4 bytes each, times 4
    // for the optimizer state Keras 3 saves beside them (Adam keeps two slots per
    // variable, AMSGrad three), plus HDF5's headers per layer and per file.
    zip_uint64_t weightsLimit = kMaxWeightsBytes;
    std::string limitReason;
    std::optional<uint64_t> params = parameterBound(loaded.model);
    if (params && *params < kMaxWeightsBytes / 16) {
      uint64_t need = *params * 4 * 4 + loaded.model.layers.size() * (64u << 10) + (1u << 20);
      if (need < weightsLimit) {
        weightsLimit = need;
        limitReason = "this model's weights can need (" + std::to_string(need) + " bytes for " +
                      "at most " + std::to_string(*params) +
                      " parameters with optimizer state)";
      }
    }
    if (auto weights = readEntry(archive.get(), path, "model.weights.h5", weightsLimit,
                                 archiveBytes, limitReason)) {
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
