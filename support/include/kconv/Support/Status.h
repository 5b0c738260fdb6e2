// A plain success-or-message result for the parts of kconv that are built with C++
// exceptions (Keras readers, Halide codegen) and must not expose them to MLIR code.
#ifndef KCONV_SUPPORT_STATUS_H
#define KCONV_SUPPORT_STATUS_H

#include <string>
#include <utility>

namespace kconv {

class Status {
public:
  static Status ok() { return Status(); }
  static Status error(std::string message) { return Status(std::move(message)); }

  bool isOk() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  const std::string &message() const { return message_; }

private:
  Status() = default;
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

} // namespace kconv

#endif
