#include "Artifacts.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/StringSaver.h"
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

llvm::Expected<RuntimeLocation> findRuntime(llvm::StringRef crossTriple) {
  // An installed kconvc finds the runtime beside it (bin/../include, bin/../lib);
  // a build-tree kconvc uses the paths it was built with.
  std::string exe = llvm::sys::fs::getMainExecutable(nullptr, (void *)&findRuntime);
  llvm::SmallString<128> prefix(llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::SmallString<128> include(prefix), library(prefix);
  llvm::sys::path::append(include, "include");
  llvm::sys::path::append(library, "lib", crossTriple, "libkconv_runtime.a");
  llvm::SmallString<128> header(include);
  llvm::sys::path::append(header, "kconv", "kconv_runtime.h");
  llvm::SmallString<128> halide(llvm::sys::path::parent_path(library));
  llvm::sys::path::append(halide, "halide_runtime.o");
  std::string halideRuntime = llvm::sys::fs::exists(halide) ? halide.str().str() : "";
  if (llvm::sys::fs::exists(header) && llvm::sys::fs::exists(library))
    return RuntimeLocation{include.str().str(), library.str().str(), halideRuntime};
  if (llvm::sys::fs::exists(library))
    return RuntimeLocation{KCONV_RUNTIME_INCLUDE_DIR, library.str().str(), halideRuntime};
  if (!crossTriple.empty())
    return llvm::createStringError(
        std::make_error_code(std::errc::no_such_file_or_directory),
        "cannot find the kconv runtime built for " + crossTriple.str() + " (" +
            library.str().str() + "): build kconv with " + crossTriple.str() +
            "-gcc installed (Debian: gcc-" + crossTriple.str() + ")");
  return llvm::createStringError(std::make_error_code(std::errc::no_such_file_or_directory),
                                 "cannot find the kconv runtime library (" + library.str().str() +
                                     ")");
}

llvm::Expected<Tool> findTool(llvm::StringRef envVar, llvm::StringRef fallback,
                              llvm::StringRef name, llvm::StringRef given,
                              llvm::StringRef givenOption) {
  Tool tool;
  tool.name = name.str();
  std::optional<std::string> value;
  if (!given.empty())
    value = given.str(), tool.origin = " (from " + givenOption.str() + ")";
  else if ((value = llvm::sys::Process::GetEnv(envVar)))
    tool.origin = " (from $" + envVar.str() + ")";
  llvm::SmallVector<const char *> words;
  llvm::BumpPtrAllocator allocator;
  llvm::StringSaver saver(allocator);
  if (value)
    llvm::cl::TokenizeGNUCommandLine(*value, saver, words);
  if (words.empty())
    tool.origin.clear();
  std::string program = words.empty() ? fallback.str() : std::string(words.front());
  for (size_t i = 1; i < words.size(); ++i)
    tool.args.push_back(words[i]);
  const std::string &origin = tool.origin;
  if (program.find('/') != std::string::npos) {
    if (!llvm::sys::fs::can_execute(program))
      return llvm::createStringError(std::make_error_code(std::errc::no_such_file_or_directory),
                                     "'" + program + "'" + origin + " is not an executable file");
    tool.program = program;
    return tool;
  }
  llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(program);
  if (!found)
    return llvm::createStringError(found.getError(), "cannot find '" + program + "'" + origin +
                                                         " on PATH (set $" + envVar.str() +
                                                         " to the " + name.str() +
                                                         " to use)");
  tool.program = *found;
  return tool;
}

llvm::Expected<std::string> compilerMachine(const Tool &cc, const ScratchDir &scratch) {
  if (llvm::Error e = runTool(cc, "asking the C compiler for its target", {"-dumpmachine"},
                              scratch))
    return std::move(e);
  auto output = llvm::MemoryBuffer::getFile(scratch.file(cc.name + ".log"));
  if (!output)
    return llvm::createStringError(output.getError(),
                                   "cannot read the output of '" + cc.program + " -dumpmachine'");
  return (*output)->getBuffer().trim().str();
}

namespace {
/// The line of a tool's output that says what went wrong: the first that mentions an
/// error, else the first non-empty one; at most 200 characters.
std::string summarizeToolOutput(llvm::StringRef output) {
  llvm::SmallVector<llvm::StringRef> lines;
  output.split(lines, '\n', -1, false);
  llvm::StringRef chosen;
  for (llvm::StringRef line : lines)
    if (line.lower().find("error") != std::string::npos) {
      chosen = line;
      break;
    }
  if (chosen.empty())
    for (llvm::StringRef line : lines)
      if (!line.trim().empty()) {
        chosen = line;
        break;
      }
  std::string text = chosen.trim().str();
  for (char &ch : text)
    if (static_cast<unsigned char>(ch) < ' ')
      ch = ' ';
  return text.size() > 200 ? text.substr(0, 200) + "..." : text;
}
} // namespace

llvm::Error runTool(const Tool &tool, llvm::StringRef what, const std::vector<std::string> &args,
                    const ScratchDir &scratch, std::optional<llvm::StringRef> stdinPath) {
  std::vector<llvm::StringRef> argv{tool.program};
  argv.insert(argv.end(), tool.args.begin(), tool.args.end());
  argv.insert(argv.end(), args.begin(), args.end());
  std::string logPath = scratch.file(tool.name + ".log");
  std::optional<llvm::StringRef> redirects[] = {stdinPath, llvm::StringRef(logPath),
                                                llvm::StringRef(logPath)};
  std::string message;
  int code = llvm::sys::ExecuteAndWait(tool.program, argv, std::nullopt, redirects, 0, 0, &message);
  if (code == 0)
    return llvm::Error::success();

  // Keep the whole output, headed by the command line, where the user can read it.
  std::string log = "$";
  for (llvm::StringRef a : argv)
    log += " " + a.str();
  log += "\n";
  std::string output;
  if (auto buffer = llvm::MemoryBuffer::getFile(logPath))
    output = (*buffer)->getBuffer().str();
  log += output;
  std::string kept;
  llvm::SmallString<128> keptPath;
  int fd;
  if (!llvm::sys::fs::createTemporaryFile("kconvc-" + tool.name, "log", fd, keptPath)) {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << log;
    os.close();
    if (os.has_error())
      os.clear_error();
    else
      kept = keptPath.str().str();
  }
  std::string status = code == -1   ? "could not be run" + (message.empty() ? "" : ": " + message)
                       : code == -2 ? "crashed" + (message.empty() ? "" : ": " + message)
                                    : "exited with status " + std::to_string(code);
  std::string summary = summarizeToolOutput(output);
  return llvm::createStringError(std::make_error_code(std::errc::io_error),
                                 what.str() + " failed: '" + tool.program + "' " + status +
                                     (summary.empty() ? "" : ": " + summary) +
                                     (kept.empty() ? "" : " (full output: " + kept + ")"));
}

namespace {
/// Opens a fresh temporary beside `path`, removed if kconvc is interrupted.
llvm::Expected<std::string> temporaryBeside(llvm::StringRef path, int &fd) {
  llvm::SmallString<128> model(path);
  model += ".tmp%%%%%%";
  llvm::SmallString<128> temp;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temp))
    return llvm::createStringError(ec, path.str() + ": cannot create: " + ec.message());
  llvm::sys::RemoveFileOnSignal(temp);
  return temp.str().str();
}

/// Writes all of `contents` to `fd` and closes it; every write and the close checked.
std::error_code writeAndClose(int fd, llvm::StringRef contents) {
  llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
  os << contents;
  os.close();
  std::error_code ec = os.error();
  os.clear_error();
  return ec;
}

/// A path made absolute, `.` and `..` removed: two names of one file compare equal
/// when neither exists yet.
std::string normalized(llvm::StringRef path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  return absolute.str().str();
}

/// Whether two paths name one file: the same device and inode, or the same path.
bool sameFile(llvm::StringRef a, llvm::StringRef b) {
  llvm::sys::fs::UniqueID idA, idB;
  if (!llvm::sys::fs::getUniqueID(a, idA) && !llvm::sys::fs::getUniqueID(b, idB))
    return idA == idB;
  return normalized(a) == normalized(b);
}
} // namespace

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef contents) {
  int fd;
  llvm::Expected<std::string> temp = temporaryBeside(path, fd);
  if (!temp)
    return temp.takeError();
  std::error_code ec = writeAndClose(fd, contents);
  if (!ec)
    ec = llvm::sys::fs::rename(*temp, path);
  llvm::sys::DontRemoveFileOnSignal(*temp);
  if (ec) {
    llvm::sys::fs::remove(*temp);
    return llvm::createStringError(ec, path.str() + ": cannot write: " + ec.message());
  }
  return llvm::Error::success();
}

OutputSet::OutputSet(std::vector<std::string> inputs) {
  for (std::string &input : inputs)
    if (!input.empty())
      inputs_.push_back(std::move(input));
}

OutputSet::~OutputSet() {
  for (Output &output : outputs_)
    if (!output.temp.empty()) {
      llvm::sys::fs::remove(output.temp);
      llvm::sys::DontRemoveFileOnSignal(output.temp);
    }
}

OutputSet::Output *OutputSet::find(llvm::StringRef path) {
  for (Output &output : outputs_)
    if (output.path == path)
      return &output;
  return nullptr;
}

bool OutputSet::isSpecial(llvm::StringRef path) const {
  for (const Output &output : outputs_)
    if (output.path == path)
      return output.special;
  return false;
}

llvm::Error OutputSet::add(llvm::StringRef path, llvm::StringRef role) {
  auto refuse = [&](const std::string &problem) {
    return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                   path.str() +
                                       (role.empty() ? "" : " (" + role.str() + ")") + ": " +
                                       problem);
  };
  Output output;
  output.path = path.str();
  output.role = role.str();
  output.destination = path.str();
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(path, status)) { // exists (a symlink followed)
    if (llvm::sys::fs::is_directory(status))
      return refuse("is a directory, not an output file");
    output.special = !llvm::sys::fs::is_regular_file(status);
    // Through a symlink, the file it names is replaced, not the link.
    llvm::SmallString<256> real;
    if (!output.special && !llvm::sys::fs::real_path(path, real))
      output.destination = real.str().str();
  } else {
    llvm::StringRef parent = llvm::sys::path::parent_path(path);
    if (!parent.empty() && !llvm::sys::fs::is_directory(parent))
      return refuse("cannot write: directory '" + parent.str() + "' does not exist");
  }
  for (const std::string &input : inputs_)
    if (sameFile(path, input))
      return refuse("is also an input of this command" +
                    (input == path ? std::string() : " ('" + input + "')") +
                    "; refusing to overwrite it");
  for (const Output &other : outputs_)
    if (sameFile(path, other.path))
      return refuse("is also another output of this command" +
                    (!other.role.empty()     ? " (" + other.role + ")"
                     : other.path == path ? std::string()
                                          : " ('" + other.path + "')"));
  outputs_.push_back(std::move(output));
  return llvm::Error::success();
}

llvm::Error OutputSet::stage(llvm::StringRef path, llvm::StringRef contents) {
  Output *output = find(path);
  assert(output && !output->staged && "stage() of an output not added, or staged twice");
  output->staged = true;
  if (output->special) {
    output->contents = contents.str();
    return llvm::Error::success();
  }
  int fd;
  llvm::Expected<std::string> temp = temporaryBeside(output->destination, fd);
  if (!temp)
    return temp.takeError();
  output->temp = *temp;
  if (std::error_code ec = writeAndClose(fd, contents))
    return llvm::createStringError(ec, path.str() + ": cannot write: " + ec.message());
  return llvm::Error::success();
}

llvm::Error OutputSet::stageFile(llvm::StringRef path, llvm::StringRef from, bool executable) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(from, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), from.str() + ": cannot read: " +
                                                          buffer.getError().message());
  if (llvm::Error e = stage(path, (*buffer)->getBuffer()))
    return e;
  Output *output = find(path);
  if (output->special)
    return llvm::Error::success();
  auto mode = llvm::sys::fs::all_read | llvm::sys::fs::owner_write;
  if (std::error_code ec = llvm::sys::fs::setPermissions(
          output->temp, executable ? mode | llvm::sys::fs::all_exe : mode))
    return llvm::createStringError(ec, path.str() + ": cannot write: " + ec.message());
  return llvm::Error::success();
}

llvm::Error OutputSet::commit() {
  // In-place writes can fail (a full device); they come before any rename, so a failure
  // leaves the regular outputs untouched.
  for (Output &output : outputs_) {
    if (!output.staged || !output.special)
      continue;
    int fd;
    std::error_code ec = llvm::sys::fs::openFileForWrite(output.destination, fd,
                                                         llvm::sys::fs::CD_OpenExisting);
    if (!ec)
      ec = writeAndClose(fd, output.contents);
    if (ec)
      return llvm::createStringError(ec, output.path + ": cannot write: " + ec.message());
  }
  for (Output &output : outputs_) {
    if (output.temp.empty())
      continue;
    llvm::sys::DontRemoveFileOnSignal(output.temp);
    if (std::error_code ec = llvm::sys::fs::rename(output.temp, output.destination)) {
      llvm::sys::RemoveFileOnSignal(output.temp); // the destructor removes it
      return llvm::createStringError(ec, output.path + ": cannot write: " + ec.message());
    }
    output.temp.clear();
  }
  return llvm::Error::success();
}

std::string headerPathFor(llvm::StringRef outputPath) {
  llvm::StringRef ext = llvm::sys::path::extension(outputPath);
  if (ext == ".o" || ext == ".a" || ext == ".obj" || ext == ".so")
    return outputPath.drop_back(ext.size()).str() + ".h";
  return outputPath.str() + ".h";
}

} // namespace kconv::driver
