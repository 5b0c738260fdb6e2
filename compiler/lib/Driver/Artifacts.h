// Writing compiler outputs: a private temporary directory, external tools (the C
// compiler and linker), and atomic placement of finished files.
#ifndef KCONV_DRIVER_ARTIFACTS_H
#define KCONV_DRIVER_ARTIFACTS_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace kconv::driver {

/// A temporary directory removed (with its contents) on destruction.
class ScratchDir {
public:
  static llvm::Expected<ScratchDir> create();
  ScratchDir(ScratchDir &&other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ~ScratchDir();
  std::string file(llvm::StringRef name) const;

private:
  ScratchDir() = default;
  std::string path_;
};

/// Where the runtime's header directory and static library are.
struct RuntimeLocation {
  std::string includeDir;
  std::string library;
};
llvm::Expected<RuntimeLocation> findRuntime();

/// Runs a program found on PATH, with standard input from `stdinPath` if given;
/// fails with its command line and exit status.
llvm::Error runTool(llvm::StringRef program, const std::vector<std::string> &args,
                    std::optional<llvm::StringRef> stdinPath = std::nullopt);

/// Writes `contents` to `path` through a temporary file and a rename.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef contents);
/// Copies `from` (a scratch file) to `to` via a temporary name in `to`'s directory
/// and a rename, so `to` is either complete or untouched.
llvm::Error placeFileAtomically(llvm::StringRef from, llvm::StringRef to, bool executable = false);

/// `out.o` -> `out.h`; `libm.a` -> `libm.h`; otherwise appends `.h`.
std::string headerPathFor(llvm::StringRef outputPath);

} // namespace kconv::driver

#endif
