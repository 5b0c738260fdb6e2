#include "TuningDb.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/file.h>
#include <unistd.h>

namespace kconv::driver {

bool TuningDb::load(std::string &error) {
  entries_.clear();
  corrupted_ = 0;
  std::ifstream in(path_);
  if (!in) {
    if (errno == ENOENT)
      return true;
    error = path_ + ": cannot read the tuning database: " + std::strerror(errno);
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    size_t tab1 = line.find('\t');
    size_t tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    // A value is a convolution's schedule or a model's fusion decisions.
    bool schedule = tab2 != std::string::npos && tab1 > 0 &&
                    line.compare(tab1 + 1, 16, "#kconv.schedule<") == 0 && line[tab2 - 1] == '>';
    bool fusion = tab2 != std::string::npos && tab1 > 0 && line.compare(tab1 + 1, 7, "inline:") == 0;
    bool ok = schedule || fusion;
    if (ok) {
      char *end = nullptr;
      std::strtod(line.c_str() + tab2 + 1, &end);
      ok = end && *end == '\0' && end != line.c_str() + tab2 + 1;
    }
    if (!ok) {
      if (!line.empty())
        ++corrupted_;
      continue;
    }
    entries_[line.substr(0, tab1)] = line.substr(tab1 + 1, tab2 - tab1 - 1);
  }
  return true;
}

std::string TuningDb::lookup(const std::string &key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? std::string() : it->second;
}

bool TuningDb::store(const std::string &key, const std::string &schedule, double ms,
                     std::string &error) {
  // Keys and values hold model and layer names: a tab or line break in one would
  // split the line or add entries of its own.
  if ((key + schedule).find_first_of("\t\n\r") != std::string::npos) {
    error = path_ + ": not stored: a name in the entry holds a tab or line break";
    return false;
  }
  int fd = open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = path_ + ": cannot write the tuning database: " + std::strerror(errno);
    return false;
  }
  std::string line = key + "\t" + schedule + "\t" + std::to_string(ms) + "\n";
  bool ok = flock(fd, LOCK_EX) == 0;
  // A torn previous write left no newline: start on a fresh line.
  if (ok && lseek(fd, 0, SEEK_END) > 0) {
    char last = '\n';
    if (pread(fd, &last, 1, lseek(fd, 0, SEEK_END) - 1) == 1 && last != '\n')
      line = "\n" + line;
  }
  ok = ok && write(fd, line.data(), line.size()) == ssize_t(line.size());
  flock(fd, LOCK_UN);
  close(fd);
  if (!ok) {
    error = path_ + ": cannot write the tuning database";
    return false;
  }
  entries_[key] = schedule;
  return true;
}

} // namespace kconv::driver
