#include "kconv/Support/Schedule.h"

#include <cctype>
#include <charconv>
#include <iterator>
#include <map>
#include <sstream>

namespace kconv {

std::string Conv2DSchedule::str() const {
  auto flag = [](bool b) { return b ? "true" : "false"; };
  std::ostringstream os;
  os << "#kconv.schedule<vectorize = \""
     << (vectorize == Vectorize::Channels ? "channels" : "width")
     << "\", vector_width = " << vectorWidth << ", vectors = " << vectors
     << ", tile_x = " << tileX << ", tile_y = " << tileY << ", parallel = " << flag(parallel)
     << ", stage_input = " << flag(stageInput) << ", channels_outer = " << flag(channelsOuter);
  if (trimColumns)
    os << ", trim_columns = true";
  if (unrollTaps)
    os << ", unroll_taps = true";
  if (winograd)
    os << ", winograd = " << winograd;
  os << ">";
  return os.str();
}

std::optional<std::string> scheduleFieldsError(std::string_view vectorize, int64_t vectorWidth,
                                               int64_t vectors, int64_t tileX, int64_t tileY,
                                               bool channelsOuter, bool trimColumns) {
  std::ostringstream os;
  if (vectorize != "channels" && vectorize != "width") {
    os << "schedule 'vectorize' must be \"channels\" or \"width\", got \"" << vectorize << "\"";
    return os.str();
  }
  if (vectorWidth < 1 || (vectorWidth & (vectorWidth - 1)) != 0 || vectorWidth > 64) {
    os << "schedule 'vector_width' must be a power of two in [1, 64], got " << vectorWidth;
    return os.str();
  }
  if (vectors < 1 || tileX < 1 || tileY < 1)
    return "schedule 'vectors', 'tile_x' and 'tile_y' must be >= 1";
  if (channelsOuter && vectorize != "channels")
    return "schedule 'channels_outer' needs vectorize = \"channels\"";
  if (trimColumns && vectorize != "channels")
    return "schedule 'trim_columns' needs vectorize = \"channels\" (with lanes along the "
           "width, a column cannot be skipped alone)";
  if (vectorize == "width" && tileX != 1)
    return "schedule 'tile_x' must be 1 with vectorize = \"width\" (the vector spans the "
           "tile)";
  int64_t accumulators = 0;
  if (__builtin_mul_overflow(vectors, tileX, &accumulators) ||
      __builtin_mul_overflow(accumulators, tileY, &accumulators))
    accumulators = INT64_MAX;
  if (accumulators > 64) {
    os << "schedule keeps " << accumulators
       << " accumulator vectors per tile; at most 64 are allowed";
    return os.str();
  }
  return std::nullopt;
}

std::optional<std::string> winogradFieldsError(int64_t winograd, std::string_view vectorize,
                                               int64_t tileY, bool stageInput,
                                               bool channelsOuter, bool trimColumns,
                                               bool unrollTaps) {
  if (winograd == 0)
    return std::nullopt;
  std::ostringstream os;
  if (winograd != 2 && winograd != 4) {
    os << "schedule 'winograd' must be 0 (direct), 2 or 4 (output tiles of F(m x m, 3 x 3)), "
          "got "
       << winograd;
    return os.str();
  }
  if (vectorize != "channels")
    return "schedule 'winograd' needs vectorize = \"channels\"";
  if (tileY != 1)
    return "schedule 'winograd' needs tile_y = 1 (a register tile holds Winograd tiles of "
           "one row)";
  if (stageInput || channelsOuter || trimColumns || unrollTaps)
    return "schedule 'winograd' takes none of stage_input, channels_outer, trim_columns "
           "and unroll_taps (flags of the direct form)";
  return std::nullopt;
}

std::optional<std::string> scheduleError(const Conv2DSchedule &s) {
  bool channels = s.vectorize == Conv2DSchedule::Vectorize::Channels;
  const char *vectorize = channels ? "channels" : "width";
  if (std::optional<std::string> error =
          scheduleFieldsError(vectorize, s.vectorWidth, s.vectors, s.tileX, s.tileY,
                              s.channelsOuter, s.trimColumns))
    return error;
  return winogradFieldsError(s.winograd, vectorize, s.tileY, s.stageInput, s.channelsOuter,
                             s.trimColumns, s.unrollTaps);
}

std::optional<std::string> scheduleError(const Conv2DSchedule &s, const ConvShape &shape) {
  if (std::optional<std::string> error = scheduleError(s))
    return error;
  std::ostringstream os;
  // Negative: unknown, which is not one channel per group.
  int64_t cinPerGroup = shape.inChannels >= 0 && shape.groups > 0
                            ? shape.inChannels / shape.groups
                            : -1;
  auto channelsInGroups = [&] {
    os << " (" << shape.inChannels << " input channel(s) in " << shape.groups << " group(s))";
    return os.str();
  };
  // Trimming skips kernel columns inside the reduction over input channels; with one
  // input channel per group (depthwise, or a single-channel input) the code would be
  // the same: the flag would only claim what did not happen.
  if (s.trimColumns && cinPerGroup == 1) {
    os << "schedule 'trim_columns' needs more than one input channel per group";
    return channelsInGroups();
  }
  // Unrolling the taps of a reduction that also runs over input channels would copy the
  // channel loop once per tap: the flag is for reductions over the taps alone.
  if (s.unrollTaps && cinPerGroup != 1) {
    os << "schedule 'unroll_taps' needs one input channel per group";
    return channelsInGroups();
  }
  if (s.winograd) {
    auto known = [](int64_t v) { return v >= 0; };
    if ((known(shape.kernelHeight) &&
         ((shape.kernelHeight != 3 && shape.kernelHeight != 1) || shape.kernelWidth != 3)) ||
        (known(shape.strideHeight) && (shape.strideHeight != 1 || shape.strideWidth != 1)) ||
        (known(shape.dilationHeight) &&
         (shape.dilationHeight != 1 || shape.dilationWidth != 1))) {
      os << "schedule 'winograd' needs a 3x3 or 1x3 kernel, strides 1 and dilation 1 (kernel "
         << shape.kernelHeight << "x" << shape.kernelWidth << ", strides "
         << shape.strideHeight << "x" << shape.strideWidth << ", dilation "
         << shape.dilationHeight << "x" << shape.dilationWidth << ")";
      return os.str();
    }
    if (shape.groups != 1 || cinPerGroup == 1) {
      os << "schedule 'winograd' needs one group of several input channels";
      return channelsInGroups();
    }
    int64_t block = int64_t(s.vectorWidth) * s.vectors;
    if (known(shape.outChannels) && shape.outChannels % block != 0) {
      os << "schedule 'winograd' needs the filters (" << shape.outChannels
         << ") in whole channel blocks (vector_width x vectors = " << block << ")";
      return os.str();
    }
    int64_t tiles = known(shape.outWidth) ? (shape.outWidth + s.winograd - 1) / s.winograd : -1;
    if (known(tiles) && s.tileX > tiles) {
      os << "schedule 'tile_x' (" << s.tileX << ") exceeds the " << tiles
         << " Winograd tiles of a row (output width " << shape.outWidth << ")";
      return os.str();
    }
    return std::nullopt;
  }
  // Every split factor fits its extent: codegen splits the output by the tile, and
  // recomputes an overlapping last tile (ShiftInwards) inside the tensor.
  int64_t block = int64_t(s.vectorWidth) * s.vectors;
  bool alongChannels = s.vectorize == Conv2DSchedule::Vectorize::Channels;
  auto exceeds = [](int64_t size, int64_t extent) { return extent >= 0 && size > extent; };
  if (alongChannels && exceeds(block, shape.outChannels)) {
    os << "schedule's channel block (vector_width x vectors = " << block << ") exceeds the "
       << shape.outChannels << " filters";
    return os.str();
  }
  if (!alongChannels && exceeds(block, shape.outWidth)) {
    os << "schedule's column block (vector_width x vectors = " << block
       << ") exceeds the output width (" << shape.outWidth << ")";
    return os.str();
  }
  if (alongChannels && exceeds(s.tileX, shape.outWidth)) {
    os << "schedule 'tile_x' (" << s.tileX << ") exceeds the output width (" << shape.outWidth
       << ")";
    return os.str();
  }
  if (exceeds(s.tileY, shape.outHeight)) {
    os << "schedule 'tile_y' (" << s.tileY << ") exceeds the output height ("
       << shape.outHeight << ")";
    return os.str();
  }
  return std::nullopt;
}

namespace {
/// A small reader of `#kconv.schedule<name = value, ...>`: values are quoted strings,
/// integers or true/false.
class Reader {
public:
  explicit Reader(std::string_view text) : text_(text) {}
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace((unsigned char)text_[pos_]))
      ++pos_;
  }
  bool literal(std::string_view word) {
    skipSpace();
    if (text_.substr(pos_, word.size()) != word)
      return false;
    pos_ += word.size();
    return true;
  }
  bool identifier(std::string &out) {
    skipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum((unsigned char)text_[pos_]) || text_[pos_] == '_'))
      ++pos_;
    out = std::string(text_.substr(start, pos_ - start));
    return !out.empty();
  }
  bool quoted(std::string &out) {
    if (!literal("\""))
      return false;
    size_t end = text_.find('"', pos_);
    if (end == std::string_view::npos)
      return false;
    out = std::string(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return true;
  }
  bool integer(int64_t &out) {
    skipSpace();
    const char *first = text_.data() + pos_, *last = text_.data() + text_.size();
    auto [ptr, ec] = std::from_chars(first, last, out);
    if (ec != std::errc() || ptr == first)
      return false;
    pos_ += size_t(ptr - first);
    return true;
  }
  bool atEnd() {
    skipSpace();
    return pos_ == text_.size();
  }

private:
  std::string_view text_;
  size_t pos_ = 0;
};
} // namespace

std::optional<Conv2DSchedule> parseSchedule(std::string_view text, std::string *problem) {
  enum Kind { String, Integer, Boolean };
  static const std::map<std::string, Kind> kFields = {
      {"vectorize", String},       {"vector_width", Integer}, {"vectors", Integer},
      {"tile_x", Integer},         {"tile_y", Integer},       {"parallel", Boolean},
      {"stage_input", Boolean},    {"channels_outer", Boolean}, {"trim_columns", Boolean},
      {"unroll_taps", Boolean},    {"winograd", Integer}};
  Reader in(text);
  if (!in.literal("#kconv.schedule") || !in.literal("<"))
    return std::nullopt;
  std::string vectorize;
  std::map<std::string, int64_t> values; // integers and booleans
  bool first = true;
  while (!in.literal(">")) {
    std::string name;
    if ((!first && !in.literal(",")) || !in.identifier(name) || !in.literal("="))
      return std::nullopt;
    first = false;
    auto field = kFields.find(name);
    if (field == kFields.end() || values.count(name) || (name == "vectorize" && !vectorize.empty()))
      return std::nullopt;
    int64_t value = 0;
    if (field->second == String) {
      if (!in.quoted(vectorize))
        return std::nullopt;
      value = 1;
    } else if (field->second == Integer) {
      if (!in.integer(value))
        return std::nullopt;
    } else if (in.literal("true")) {
      value = 1;
    } else if (!in.literal("false")) {
      return std::nullopt;
    }
    values[name] = value;
  }
  if (!in.atEnd())
    return std::nullopt;
  for (const auto &[name, kind] : kFields)
    if (!values.count(name) && name != "trim_columns" && name != "unroll_taps" &&
        name != "winograd")
      return std::nullopt;
  auto get = [&](const char *name) { return values.count(name) ? values[name] : 0; };
  std::optional<std::string> error =
      scheduleFieldsError(vectorize, get("vector_width"), get("vectors"), get("tile_x"),
                          get("tile_y"), get("channels_outer"), get("trim_columns"));
  if (!error)
    error = winogradFieldsError(get("winograd"), vectorize, get("tile_y"), get("stage_input"),
                                get("channels_outer"), get("trim_columns"), get("unroll_taps"));
  if (error) {
    if (problem)
      *problem = *error;
    return std::nullopt;
  }
  // The checks above bound every integer to [1, 64].
  Conv2DSchedule s;
  s.vectorize = vectorize == "channels" ? Conv2DSchedule::Vectorize::Channels
                                        : Conv2DSchedule::Vectorize::Width;
  s.vectorWidth = int(get("vector_width"));
  s.vectors = int(get("vectors"));
  s.tileX = int(get("tile_x"));
  s.tileY = int(get("tile_y"));
  s.parallel = get("parallel");
  s.stageInput = get("stage_input");
  s.channelsOuter = get("channels_outer");
  s.trimColumns = get("trim_columns");
  s.unrollTaps = get("unroll_taps");
  s.winograd = int(get("winograd"));
  return s;
}

std::string GpuConvSchedule::str() const {
  std::ostringstream os;
  os << "#kconv.gpu_schedule<tile_c = " << tileC << ", tile_x = " << tileX
     << ", tile_y = " << tileY << ", threads_c = " << threadsC << ", threads_x = " << threadsX
     << ">";
  return os.str();
}

std::optional<std::string> gpuScheduleError(const GpuConvSchedule &s, const ConvShape &shape) {
  std::ostringstream os;
  if (s.tileC < 1 || s.tileX < 1 || s.tileY < 1 || s.threadsC < 1 || s.threadsX < 1)
    return "GPU schedule fields must be >= 1";
  if (int64_t(s.tileC) * s.tileX * s.tileY > kGpuMaxAccumulators) {
    os << "GPU schedule tile " << s.tileC << " x " << s.tileX << " x " << s.tileY
       << " holds more than " << kGpuMaxAccumulators << " accumulators per thread";
    return os.str();
  }
  auto power2 = [](int v) { return (v & (v - 1)) == 0; };
  if (!power2(s.threadsC) || !power2(s.threadsX) || int64_t(s.threadsC) * s.threadsX > 1024) {
    os << "GPU schedule threads " << s.threadsC << " x " << s.threadsX
       << " must be powers of two, at most 1024 in a block";
    return os.str();
  }
  struct {
    const char *name;
    int tile;
    int64_t extent;
  } const fits[] = {{"tile_c", s.tileC, shape.outChannels},
                    {"tile_x", s.tileX, shape.outWidth},
                    {"tile_y", s.tileY, shape.outHeight}};
  for (const auto &f : fits)
    if (f.extent >= 0 && f.tile > f.extent) {
      os << "GPU schedule " << f.name << " = " << f.tile << " exceeds the output's "
         << f.extent;
      return os.str();
    }
  return std::nullopt;
}

std::optional<GpuConvSchedule> parseGpuSchedule(std::string_view text, std::string *problem) {
  static const char *const kFields[] = {"tile_c", "tile_x", "tile_y", "threads_c",
                                        "threads_x"};
  Reader in(text);
  if (!in.literal("#kconv.gpu_schedule") || !in.literal("<"))
    return std::nullopt;
  std::map<std::string, int64_t> values;
  bool first = true;
  while (!in.literal(">")) {
    std::string name;
    int64_t value = 0;
    if ((!first && !in.literal(",")) || !in.identifier(name) || !in.literal("=") ||
        !in.integer(value))
      return std::nullopt;
    first = false;
    bool known = false;
    for (const char *field : kFields)
      known = known || name == field;
    if (!known || values.count(name))
      return std::nullopt;
    values[name] = value;
  }
  if (!in.atEnd() || values.size() != std::size(kFields))
    return std::nullopt;
  for (const auto &[name, value] : values)
    if (value < 1 || value > 1024) {
      if (problem)
        *problem = "GPU schedule '" + name + "' must be in [1, 1024], got " +
                   std::to_string(value);
      return std::nullopt;
    }
  GpuConvSchedule s;
  s.tileC = int(values["tile_c"]);
  s.tileX = int(values["tile_x"]);
  s.tileY = int(values["tile_y"]);
  s.threadsC = int(values["threads_c"]);
  s.threadsX = int(values["threads_x"]);
  if (std::optional<std::string> error = gpuScheduleError(s)) {
    if (problem)
      *problem = *error;
    return std::nullopt;
  }
  return s;
}

} // namespace kconv
