#include "Artifacts.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include "kconv/Driver/Config.h"

namespace kconv::driver {

llvm::Expected<ScratchDir> ScratchDir::create() {
  llvm::SmallString<128> path;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory("kconvc", path))
    return llvm::createStringError(ec, "cannot create a temporary directory: " + ec.message());
  ScratchDir dir;
  dir.path_ = path.str().str();
  return std::move(dir);
}

ScratchDir::~ScratchDir() {
  if (!path_.empty())
    llvm::sys::fs::remove_directories(path_);
}

std::string ScratchDir::file(llvm::StringRef name) const {
  llvm::SmallString<128> path(path_);
  llvm::sys::path::append(path, name);
  return path.str().str();
}

llvm::Expected<RuntimeLocation> findRuntime() {
  // An installed kconvc finds the runtime beside it (bin/../include, bin/../lib);
  // a build-tree kconvc uses the paths it was built with.
  std::string exe = llvm::sys::fs::getMainExecutable(nullptr, (void *)&findRuntime);
  llvm::SmallString<128> prefix(llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::SmallString<128> include(prefix), library(prefix);
  llvm::sys::path::append(include, "include");
  llvm::sys::path::append(library, "lib", "libkconv_runtime.a");
  llvm::SmallString<128> header(include);
  llvm::sys::path::append(header, "kconv", "kconv_runtime.h");
  if (llvm::sys::fs::exists(header) && llvm::sys::fs::exists(library))
    return RuntimeLocation{include.str().str(), library.str().str()};
  if (llvm::sys::fs::exists(library))
    return RuntimeLocation{KCONV_RUNTIME_INCLUDE_DIR, library.str().str()};
  return llvm::createStringError(std::make_error_code(std::errc::no_such_file_or_directory),
                                 "cannot find the kconv runtime library (" + library.str().str() +
                                     ")");
}

llvm::Error runTool(llvm::StringRef program, const std::vector<std::string> &args,
                    std::optional<llvm::StringRef> stdinPath) {
  llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(program);
  if (!found)
    return llvm::createStringError(found.getError(),
                                   "cannot find '" + program.str() + "' on PATH (needed to link)");
  std::vector<llvm::StringRef> argv{program};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string message;
  std::optional<llvm::StringRef> redirects[] = {stdinPath, std::nullopt, std::nullopt};
  int code = llvm::sys::ExecuteAndWait(*found, argv, std::nullopt, redirects, 0, 0, &message);
  if (code != 0) {
    std::string command;
    for (llvm::StringRef a : argv)
      command += (command.empty() ? "" : " ") + a.str();
    return llvm::createStringError(std::make_error_code(std::errc::io_error),
                                   "'" + command + "' failed" +
                                       (message.empty() ? "" : ": " + message));
  }
  return llvm::Error::success();
}

namespace {
llvm::Expected<std::string> temporaryBeside(llvm::StringRef path) {
  llvm::SmallString<128> model(path);
  model += ".tmp%%%%%%";
  int fd;
  llvm::SmallString<128> temp;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temp))
    return llvm::createStringError(ec, path.str() + ": cannot create: " + ec.message());
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  // An interrupted kconvc (Ctrl-C, SIGTERM) leaves no temporary behind either.
  llvm::sys::RemoveFileOnSignal(temp);
  return temp.str().str();
}

llvm::Error renameOver(llvm::StringRef temp, llvm::StringRef path) {
  llvm::sys::DontRemoveFileOnSignal(temp);
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    return llvm::createStringError(ec, path.str() + ": cannot write: " + ec.message());
  }
  return llvm::Error::success();
}
} // namespace

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef contents) {
  llvm::Expected<std::string> temp = temporaryBeside(path);
  if (!temp)
    return temp.takeError();
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(*temp, ec);
    if (!ec) {
      os << contents;
      os.close();
      ec = os.error();
    }
    if (!ec)
      ec = llvm::sys::fs::setPermissions(*temp, llvm::sys::fs::all_read |
                                                    llvm::sys::fs::owner_write);
    if (ec) {
      llvm::sys::fs::remove(*temp);
      return llvm::createStringError(ec, path.str() + ": cannot write: " + ec.message());
    }
  }
  return renameOver(*temp, path);
}

llvm::Error placeFileAtomically(llvm::StringRef from, llvm::StringRef to, bool executable) {
  llvm::Expected<std::string> temp = temporaryBeside(to);
  if (!temp)
    return temp.takeError();
  if (std::error_code ec = llvm::sys::fs::copy_file(from, *temp)) {
    llvm::sys::fs::remove(*temp);
    return llvm::createStringError(ec, to.str() + ": cannot write: " + ec.message());
  }
  auto mode = llvm::sys::fs::all_read | llvm::sys::fs::owner_write;
  llvm::sys::fs::setPermissions(*temp, executable ? mode | llvm::sys::fs::all_exe : mode);
  return renameOver(*temp, to);
}

std::string headerPathFor(llvm::StringRef outputPath) {
  llvm::StringRef ext = llvm::sys::path::extension(outputPath);
  if (ext == ".o" || ext == ".a" || ext == ".obj")
    return outputPath.drop_back(ext.size()).str() + ".h";
  return outputPath.str() + ".h";
}

} // namespace kconv::driver
