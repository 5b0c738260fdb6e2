#include "IsolatedReader.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <new>
#include <optional>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kconv::keras {
namespace {

// A small binary encoding of Hdf5Contents: tagged, length-prefixed fields.
void putU64(std::string &out, uint64_t v) { out.append(reinterpret_cast<const char *>(&v), 8); }
void putString(std::string &out, const std::string &s) {
  putU64(out, s.size());
  out += s;
}

struct Reader {
  const std::string &in;
  size_t pos = 0;
  bool ok = true;
  uint64_t u64() {
    uint64_t v = 0;
    if (pos + 8 > in.size()) {
      ok = false;
      return 0;
    }
    std::memcpy(&v, in.data() + pos, 8);
    pos += 8;
    return v;
  }
  std::string string() {
    uint64_t n = u64();
    if (!ok || n > in.size() - pos) {
      ok = false;
      return {};
    }
    std::string s = in.substr(pos, n);
    pos += n;
    return s;
  }
};

std::string encode(const Status &status, const Hdf5Contents &c) {
  std::string out;
  putU64(out, status.isOk() ? 1 : 0);
  putString(out, status.message());
  putU64(out, c.modelConfig ? 1 : 0);
  if (c.modelConfig)
    putString(out, *c.modelConfig);
  putU64(out, c.weights ? 1 : 0);
  if (!c.weights)
    return out;
  const Weights &w = *c.weights;
  putString(out, w.sourcePath);
  putU64(out, w.keras3Layout);
  // Every entry, those of layerOrder first, in order, then the others (the projections
  // of a Keras 3 MultiHeadAttention, "<path>/query_dense", outside layerOrder).
  std::vector<std::pair<std::string, bool>> entries;
  for (const std::string &layer : w.layerOrder)
    entries.push_back({layer, true});
  for (const auto &[layer, tensors] : w.byLayer)
    if (std::find(w.layerOrder.begin(), w.layerOrder.end(), layer) == w.layerOrder.end())
      entries.push_back({layer, false});
  putU64(out, entries.size());
  for (const auto &[layer, listed] : entries) {
    putString(out, layer);
    putU64(out, listed);
    const std::vector<WeightTensor> &tensors = w.byLayer.at(layer);
    putU64(out, tensors.size());
    for (const WeightTensor &t : tensors) {
      putString(out, t.name);
      putString(out, t.path);
      putU64(out, t.shape.size());
      for (int64_t d : t.shape)
        putU64(out, uint64_t(d));
      putString(out, std::string(reinterpret_cast<const char *>(t.values.data()),
                                 t.values.size() * sizeof(float)));
    }
  }
  return out;
}

bool decode(const std::string &bytes, Status &status, Hdf5Contents &c) {
  Reader r{bytes};
  bool ok = r.u64() == 1;
  std::string message = r.string();
  status = ok ? Status::ok() : Status::error(message);
  if (r.u64())
    c.modelConfig = r.string();
  if (r.u64()) {
    Weights w;
    w.sourcePath = r.string();
    w.keras3Layout = r.u64() != 0;
    uint64_t layers = r.u64();
    for (uint64_t i = 0; r.ok && i < layers; ++i) {
      std::string name = r.string();
      bool listed = r.u64() != 0;
      uint64_t count = r.u64();
      std::vector<WeightTensor> tensors;
      for (uint64_t j = 0; r.ok && j < count; ++j) {
        WeightTensor t;
        t.name = r.string();
        t.path = r.string();
        uint64_t rank = r.u64();
        for (uint64_t k = 0; r.ok && k < rank && k < 16; ++k)
          t.shape.push_back(int64_t(r.u64()));
        std::string raw = r.string();
        t.values.resize(raw.size() / sizeof(float));
        std::memcpy(t.values.data(), raw.data(), t.values.size() * sizeof(float));
        tensors.push_back(std::move(t));
      }
      w.byLayer[name] = std::move(tensors);
      if (listed)
        w.layerOrder.push_back(name);
    }
    c.weights = std::move(w);
  }
  return r.ok;
}

bool writeAll(int fd, const std::string &data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += size_t(n);
  }
  return true;
}

/// Seconds the child may take (KCONV_HDF5_TIMEOUT, default 60): a reader that blocks
/// (a FIFO, a hung network file system) must not hang kconvc. Nullopt if the
/// variable is set but not a positive number.
std::optional<double> readerTimeout() {
  const char *text = std::getenv("KCONV_HDF5_TIMEOUT");
  if (!text || !*text)
    return 60.0;
  char *end = nullptr;
  double seconds = std::strtod(text, &end);
  if (*end != '\0' || !(seconds > 0) || seconds > 1e6)
    return std::nullopt;
  return seconds;
}

double now() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

} // namespace

Status runIsolated(const std::string &what, const std::function<Status(Hdf5Contents &)> &read,
                   Hdf5Contents &out) {
  if (std::getenv("KCONV_NO_ISOLATION"))
    return read(out);
  std::optional<double> timeout = readerTimeout();
  if (!timeout)
    return Status::error(what + ": KCONV_HDF5_TIMEOUT must be a positive number of seconds, "
                                "got '" + std::getenv("KCONV_HDF5_TIMEOUT") + "'");
  int fds[2];
  if (pipe(fds) != 0)
    return read(out);
  pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return read(out);
  }
  if (child == 0) {
    close(fds[0]);
    // A crash here is reported by the parent; the inherited crash handlers (LLVM's
    // stack dump) must not print as if kconvc itself had crashed.
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
      std::signal(sig, SIG_DFL);
    // Out of memory here is this file's fault: report it as an error (kconvc's own
    // new-handler would end the child with a message of its own).
    std::set_new_handler(nullptr);
    // Test hook: a reader that takes this long, to test the time limit without a
    // file that really blocks.
    if (const char *delay = std::getenv("KCONV_TEST_HDF5_DELAY"))
      sleep(unsigned(std::atoi(delay)));
    Hdf5Contents contents;
    Status status = Status::ok();
    try {
      status = read(contents);
    } catch (const std::bad_alloc &) {
      contents = Hdf5Contents();
      status = Status::error(what + ": out of memory reading this HDF5 file");
    }
    bool ok = writeAll(fds[1], encode(status, contents));
    close(fds[1]);
    _exit(ok ? 0 : 3);
  }
  close(fds[1]);
  std::string bytes;
  char buffer[1 << 16];
  double deadline = now() + *timeout;
  bool timedOut = false;
  for (;;) {
    double left = deadline - now();
    if (left <= 0) {
      timedOut = true;
      break;
    }
    pollfd pfd = {fds[0], POLLIN, 0};
    int ready = poll(&pfd, 1, int(std::min(left * 1000.0, 1e9)) + 1);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready == 0)
      continue; // the deadline is checked at the top
    ssize_t n = ready < 0 ? -1 : ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    bytes.append(buffer, size_t(n));
  }
  close(fds[0]);
  if (timedOut)
    kill(child, SIGKILL);
  int wstatus = 0;
  while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (timedOut) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", *timeout);
    return Status::error(what + ": reading this HDF5 file took longer than " + seconds +
                         " s and was stopped (does it name a FIFO or a device? the limit is "
                         "KCONV_HDF5_TIMEOUT)");
  }
  if (WIFSIGNALED(wstatus))
    return Status::error(what + ": the HDF5 library crashed reading this file (signal " +
                         std::to_string(WTERMSIG(wstatus)) + "); the file is corrupted");
  Status status = Status::ok();
  Hdf5Contents contents;
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || !decode(bytes, status, contents))
    return Status::error(what + ": reading this HDF5 file failed unexpectedly");
  out = std::move(contents);
  return status;
}

} // namespace kconv::keras
