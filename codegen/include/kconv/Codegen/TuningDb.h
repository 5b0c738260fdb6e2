// The tuning database: an SQLite file of entries keyed by layer signature + Halide
// target + threads + tuner version. A value is a convolution's schedule (its text
// form, kconv::Conv2DSchedule::str()) or a model's fusion decisions ("inline:a,b").
// Every store is a transaction and concurrent kconvc runs wait for each other (busy
// timeout); the schema's version is the file's user_version. A text file of
// "KEY<TAB>VALUE<TAB>MS" lines written by an earlier kconv at the same path is
// imported once, by one compile while the others wait (its text kept beside it as
// PATH.tsv).
#ifndef KCONV_CODEGEN_TUNINGDB_H
#define KCONV_CODEGEN_TUNINGDB_H

#include <string>
#include <vector>

struct sqlite3;

namespace kconv::codegen {

class TuningDb {
public:
  /// The schema this kconv reads and writes (PRAGMA user_version).
  static constexpr int kSchemaVersion = 1;

  explicit TuningDb(std::string path) : path_(std::move(path)) {}
  ~TuningDb();
  TuningDb(const TuningDb &) = delete;
  TuningDb &operator=(const TuningDb &) = delete;

  /// Opens the database (a missing file is an empty one, created by the first store)
  /// and imports a text database found at the path. Fails, with a one-line message,
  /// for a file that cannot be read or is not a tuning database.
  bool load(std::string &error);
  /// Lines of an imported text database that were malformed and skipped: their layers
  /// are simply tuned again.
  int corruptedLines() const { return corrupted_; }

  /// The value stored for `key`, or empty.
  std::string lookup(const std::string &key);
  /// Stores an entry (replacing the key's previous one) in one transaction.
  bool store(const std::string &key, const std::string &value, double ms, std::string &error);

  struct Entry {
    std::string key, value;
    double ms = 0;
  };
  /// What was tuned for `target` (a resolved Halide target string; empty: every
  /// target), ordered by key.
  std::vector<Entry> entries(const std::string &target = "");

  const std::string &path() const { return path_; }

private:
  bool open(bool create, std::string &error);
  bool importText(std::string &error);
  bool importLocked(std::string &error);

  std::string path_;
  sqlite3 *db_ = nullptr;
  int corrupted_ = 0;
};

} // namespace kconv::codegen

#endif
