#include "IsolatedReader.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
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
  putU64(out, w.layerOrder.size());
  for (const std::string &layer : w.layerOrder) {
    putString(out, layer);
    const std::vector<WeightTensor> &tensors = w.byLayer.at(layer);
    putU64(out, tensors.size());
    for (const WeightTensor &t : tensors) {
      putString(out, t.name);
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
      uint64_t count = r.u64();
      std::vector<WeightTensor> tensors;
      for (uint64_t j = 0; r.ok && j < count; ++j) {
        WeightTensor t;
        t.name = r.string();
        uint64_t rank = r.u64();
        for (uint64_t k = 0; r.ok && k < rank && k < 16; ++k)
          t.shape.push_back(int64_t(r.u64()));
        std::string raw = r.string();
        t.values.resize(raw.size() / sizeof(float));
        std::memcpy(t.values.data(), raw.data(), t.values.size() * sizeof(float));
        tensors.push_back(std::move(t));
      }
      w.byLayer[name] = std::move(tensors);
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

} // namespace

Status runIsolated(const std::string &what, const std::function<Status(Hdf5Contents &)> &read,
                   Hdf5Contents &out) {
  if (std::getenv("KCONV_NO_ISOLATION"))
    return read(out);
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
    Hdf5Contents contents;
    Status status = read(contents);
    bool ok = writeAll(fds[1], encode(status, contents));
    close(fds[1]);
    _exit(ok ? 0 : 3);
  }
  close(fds[1]);
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    bytes.append(buffer, size_t(n));
  }
  close(fds[0]);
  int wstatus = 0;
  while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR) {
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
