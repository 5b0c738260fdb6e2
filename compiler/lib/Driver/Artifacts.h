// Writing compiler outputs: a private temporary directory, external tools (the C
// compiler and archiver), and the placement of a command's finished files.
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

/// Where the runtime's header directory and static library are: this machine's
/// (lib/libkconv_runtime.a), or with a cross target's GNU triple, the one built for it
/// (lib/<triple>/libkconv_runtime.a).
struct RuntimeLocation {
  std::string includeDir;
  std::string library;
  /// Halide's runtime compiled with kconv, beside the library (empty if it is not there:
  /// each model then compiles its own).
  std::string halideRuntime;
};
llvm::Expected<RuntimeLocation> findRuntime(llvm::StringRef crossTriple = "");

/// A C compiler or archiver: `given` if not empty (an option's value), else $CC / $AR
/// if set (split at blanks into the program and its leading arguments, never run
/// through a shell), else `fallback` (`cc` / `ar`, or a cross target's tools).
struct Tool {
  std::string name;              // "cc" or "ar", for messages
  std::string program;           // the full path found
  std::vector<std::string> args; // leading arguments from the option or variable
  std::string origin;            // " (from --cc)", " (from $CC)" or "", for messages
};
llvm::Expected<Tool> findTool(llvm::StringRef envVar, llvm::StringRef fallback,
                              llvm::StringRef name, llvm::StringRef given = "",
                              llvm::StringRef givenOption = "");

/// The GNU triple a C compiler makes code for, from `cc -dumpmachine`
/// ("x86_64-linux-gnu", "aarch64-linux-gnu", "aarch64-unknown-linux-gnu" for clang).
llvm::Expected<std::string> compilerMachine(const Tool &cc, const ScratchDir &scratch);

/// Runs `tool` with `args` (standard input from `stdinPath` if given), its standard output
/// and error captured. On failure, the error is one line: what failed, the tool's exit
/// status, the first line of its output that reports an error, and the path of a log
/// file holding all of its output.
llvm::Error runTool(const Tool &tool, llvm::StringRef what, const std::vector<std::string> &args,
                    const ScratchDir &scratch,
                    std::optional<llvm::StringRef> stdinPath = std::nullopt);

/// Writes `contents` to `path` through a temporary file and a rename.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef contents);

/// All of one command's output files. Each is checked when added (not a directory, not
/// in a missing directory, not one of the command's inputs or another output), staged
/// into a temporary file beside it with every write and close checked, and renamed into
/// place only by commit(), once all are complete; an error on the way leaves every
/// destination untouched. An existing destination that is not a regular file (a
/// device such as /dev/null, a FIFO) is written in place at commit(), never replaced.
class OutputSet {
public:
  explicit OutputSet(std::vector<std::string> inputs);
  OutputSet(const OutputSet &) = delete;
  ~OutputSet(); // removes temporaries that were not committed

  /// Declares `path` an output; fails, naming it, if it may not be one. `role` says
  /// what it is in messages about another output (e.g. "the header of -o out.a").
  llvm::Error add(llvm::StringRef path, llvm::StringRef role = "");
  /// Whether a declared output is an existing file that is not a regular one.
  bool isSpecial(llvm::StringRef path) const;
  /// Stages a declared output's contents, from memory or from a (scratch) file.
  llvm::Error stage(llvm::StringRef path, llvm::StringRef contents);
  llvm::Error stageFile(llvm::StringRef path, llvm::StringRef from, bool executable);
  /// Places every staged output: in-place writes first, then the renames.
  llvm::Error commit();

private:
  struct Output {
    std::string path;        // as given, for messages
    std::string role;        // what it is, for messages ("" : named by the user)
    std::string destination; // what is replaced: `path`, or the file a symlink names
    bool special = false;    // an existing non-regular file: written in place
    std::string temp;        // regular: the staged temporary beside the destination
    std::string contents;    // special: the bytes to write in place
    bool staged = false;
  };
  Output *find(llvm::StringRef path);
  std::vector<std::string> inputs_;
  std::vector<Output> outputs_;
};

/// `out.o` -> `out.h`; `libm.a` / `libm.so` -> `libm.h`; otherwise appends `.h`.
std::string headerPathFor(llvm::StringRef outputPath);

} // namespace kconv::driver

#endif
