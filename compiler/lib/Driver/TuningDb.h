// The tuning database: one text file of "KEY<TAB>SCHEDULE<TAB>MS" lines (SCHEDULE is a
// #kconv.schedule, or "inline:a,b" for a model's fusion decisions), keyed by
// layer signature + Halide target + threads. Appends are atomic under an exclusive
// lock, so concurrent kconvc runs do not lose entries; the last entry for a key wins.
#ifndef KCONV_DRIVER_TUNINGDB_H
#define KCONV_DRIVER_TUNINGDB_H

#include <map>
#include <string>

namespace kconv::driver {

class TuningDb {
public:
  explicit TuningDb(std::string path) : path_(std::move(path)) {}

  /// Reads the file (a missing file is an empty database). Malformed lines are
  /// skipped and counted: their layers are simply tuned again.
  bool load(std::string &error);
  int corruptedLines() const { return corrupted_; }

  /// The schedule text stored for `key`, or empty.
  std::string lookup(const std::string &key) const;
  /// Appends an entry (and remembers it).
  bool store(const std::string &key, const std::string &schedule, double ms, std::string &error);

  const std::string &path() const { return path_; }

private:
  std::string path_;
  std::map<std::string, std::string> entries_;
  int corrupted_ = 0;
};

} // namespace kconv::driver

#endif
