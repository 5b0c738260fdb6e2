// Escaping of input text for the generated header and glue C (codegen/lib/CText.cpp),
// and the generated files themselves built from hostile names.
#include "kconv/Codegen/CText.h"
#include "kconv/Codegen/ModelGlue.h"

#include <gtest/gtest.h>

#include <string>

using namespace kconv::codegen;

namespace {

const std::string kHostile = std::string("m */ #include <stdlib.h>\n__attribute__((constructor)) "
                                         "static void p(void) { system(\"id\"); } /* \"q\" "
                                         "\\ ?\?/ \xc3\xa9 \x01") +
                             std::string(1, '\0') + "end";

bool onlyPrintableAscii(const std::string &text, bool newlines) {
  for (char c : text) {
    unsigned char ch = static_cast<unsigned char>(c);
    if (!(ch >= 0x20 && ch < 0x7f) && !(newlines && ch == '\n'))
      return false;
  }
  return true;
}

/// The code of a C file with its comments and string/character literals removed (a
/// small C lexer: enough to see what the compiler would treat as code).
std::string codeOnly(const std::string &c) {
  std::string code;
  for (size_t i = 0; i < c.size();) {
    if (c.compare(i, 2, "/*") == 0) {
      size_t end = c.find("*/", i + 2);
      EXPECT_NE(end, std::string::npos) << "unterminated comment";
      i = end == std::string::npos ? c.size() : end + 2;
      code += ' ';
    } else if (c[i] == '"' || c[i] == '\'') {
      char quote = c[i++];
      while (i < c.size() && c[i] != quote) {
        EXPECT_NE(c[i], '\n') << "newline inside a literal";
        i += c[i] == '\\' ? 2 : 1;
      }
      ++i;
      code += "0";
    } else {
      code += c[i++];
    }
  }
  return code;
}

PipelinePlan hostilePlan() {
  PipelinePlan plan;
  plan.name = kHostile;
  plan.values = {TensorInfo{{-1, 4, 4, 1}}, TensorInfo{{-1, 2, 2, 1}}};
  plan.inputs = {{"in */\n#error input\n/* \"x\\", 0, DataFormat::ChannelsLast}};
  plan.outputs = {{"relu */ int injected = 1; /* ?\?= \"", 1, DataFormat::ChannelsFirst}};
  return plan;
}

} // namespace

TEST(CText, CommentTextCannotEndOrOpenAComment) {
  EXPECT_EQ(cCommentText("a */ b /* c"), "a *\\/ b /\\* c");
  EXPECT_EQ(cCommentText("x\ny\r\t"), "x\\x0Ay\\x0D\\x09");
  EXPECT_EQ(cCommentText("?\?/ ?\?="), "?\\?/ ?\\?=");
  EXPECT_EQ(cCommentText("\xc3\xa9"), "\\xC3\\xA9");
  EXPECT_EQ(cCommentText("plain_name-1.conv"), "plain_name-1.conv");
  std::string escaped = cCommentText(kHostile);
  EXPECT_TRUE(onlyPrintableAscii(escaped, false));
  EXPECT_EQ(escaped.find("*/"), std::string::npos);
  EXPECT_EQ(escaped.find("/*"), std::string::npos);
  EXPECT_EQ(escaped.find("??"), std::string::npos);
  // Every byte, alone and after '*', '/' and '?'.
  for (int b = 0; b < 256; ++b)
    for (const char *before : {"", "*", "/", "?"}) {
      std::string text = std::string(before) + char(b) + "*/";
      std::string out = cCommentText(text);
      EXPECT_TRUE(onlyPrintableAscii(out, false)) << b;
      EXPECT_EQ(out.find("*/"), std::string::npos) << b;
    }
}

TEST(CText, StringLiteralEscapesEverythingButPlainAscii) {
  EXPECT_EQ(cStringLiteral("conv2d"), "\"conv2d\"");
  EXPECT_EQ(cStringLiteral("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(cStringLiteral("?\?/"), "\"\\?\\?/\"");
  EXPECT_EQ(cStringLiteral("a\nb"), "\"a\\012b\"");
  // Three octal digits always: the digit after an escape is not part of it.
  EXPECT_EQ(cStringLiteral(std::string("\x01") + "7"), "\"\\0017\"");
  EXPECT_EQ(cStringLiteral(std::string(1, '\0')), "\"\\000\"");
  EXPECT_EQ(cStringLiteral("\xc3\xa9"), "\"\\303\\251\"");
  EXPECT_EQ(cStringLiteral("*/ /*"), "\"*/ /*\""); // harmless inside a string
  for (int b = 0; b < 256; ++b) {
    std::string out = cStringLiteral(std::string(1, char(b)));
    EXPECT_TRUE(onlyPrintableAscii(out, false)) << b;
    EXPECT_EQ(codeOnly(out), "0") << b; // one literal, closed where it should be
  }
}

TEST(CText, Identifiers) {
  EXPECT_TRUE(isCIdentifier("first"));
  EXPECT_TRUE(isCIdentifier("_m2"));
  EXPECT_FALSE(isCIdentifier(""));
  EXPECT_FALSE(isCIdentifier("a-b c"));
  EXPECT_FALSE(isCIdentifier("2fast"));
  EXPECT_FALSE(isCIdentifier("a\nb"));
  EXPECT_FALSE(isCIdentifier("caf\xc3\xa9"));
  EXPECT_EQ(cIdentifierFrom("my-model.v2"), "my_model_v2");
  EXPECT_EQ(cIdentifierFrom("2fast"), "m_2fast");
  EXPECT_EQ(cIdentifierFrom(""), "m_");
  EXPECT_TRUE(isCIdentifier(cIdentifierFrom(kHostile)));
}

TEST(CText, GeneratedHeaderAndGlueKeepNamesOutOfTheCode) {
  PipelinePlan plan = hostilePlan();
  for (const std::string &text : {generateModelHeader(plan, "evil"),
                                  generateModelSource(plan, "evil", /*withMain=*/true)}) {
    EXPECT_TRUE(onlyPrintableAscii(text, true)) << text;
    std::string code = codeOnly(text);
    for (const char *injected : {"system", "constructor", "#error", "injected", "stdlib"})
      EXPECT_EQ(code.find(injected), std::string::npos) << injected << " in:\n" << text;
    EXPECT_EQ(text.find("??"), std::string::npos) << text;
  }
  std::string header = generateModelHeader(plan, "evil");
  EXPECT_NE(header.find("#ifndef KCONV_MODEL_evil_H"), std::string::npos) << header;
  EXPECT_NE(header.find("kconv_status evil_run(kconv_tensor *in0, kconv_tensor *out0);"),
            std::string::npos);
  std::string source = generateModelSource(plan, "evil", false);
  // The descriptor holds the names byte for byte, and the output's layout.
  EXPECT_NE(source.find(cStringLiteral(kHostile)), std::string::npos) << source;
  EXPECT_NE(source.find("\"channels_first\""), std::string::npos) << source;
  // With a build id, includers of the header need the symbol the source defines.
  std::string linked = generateModelHeader(plan, "evil", "00ff");
  EXPECT_NE(linked.find("extern const char evil_build_00ff;"), std::string::npos) << linked;
  EXPECT_NE(linked.find("static const char *const evil_build_check = &evil_build_00ff;"),
            std::string::npos);
  EXPECT_NE(generateModelSource(plan, "evil", false, "00ff")
                .find("const char evil_build_00ff = 0;"),
            std::string::npos);
  // A prefix that is not an identifier never reaches the code as given.
  std::string bad = generateModelHeader(plan, "x; int y");
  EXPECT_NE(bad.find("x__int_y_run("), std::string::npos) << bad;
}

TEST(CText, SharedLibraryGlueRecordsTheBuildAndExportsThePrefixOnly) {
  PipelinePlan plan = hostilePlan();
  GlueBuild build;
  build.kconvVersion = "1.2.3";
  build.versionMajor = 1, build.versionMinor = 2, build.versionPatch = 3;
  // Whatever the target string holds stays in comments and string literals.
  build.target = kHostile;
  build.shared = true;
  std::string header = generateModelHeader(plan, "evil", "00ff", build);
  std::string source = generateModelSource(plan, "evil", false, "00ff", build);
  for (const std::string &text : {header, source}) {
    EXPECT_TRUE(onlyPrintableAscii(text, true)) << text;
    std::string code = codeOnly(text);
    for (const char *injected : {"system", "constructor", "#error", "injected", "stdlib"})
      EXPECT_EQ(code.find(injected), std::string::npos) << injected << " in:\n" << text;
  }
  EXPECT_NE(header.find("#define KCONV_VERSION_MAJOR 1\n#define KCONV_VERSION_MINOR 2\n"
                        "#define KCONV_VERSION_PATCH 3\n"),
            std::string::npos) << header;
  EXPECT_NE(header.find("const char *evil_last_error(void);"), std::string::npos) << header;
  EXPECT_NE(header.find("kconv_status evil_run_arrays(int64_t batch, const float *const *inputs, "
                        "float *const *outputs);"),
            std::string::npos) << header;
  // The descriptor: version, target (byte for byte) and the runtime ABI it needs.
  EXPECT_NE(source.find("\"1.2.3\", " + cStringLiteral(kHostile) + ", &KCONV_RUNTIME_ABI_SYMBOL}"),
            std::string::npos) << source;
  EXPECT_NE(source.find("void evil_set_num_threads(int threads) { kconv_set_num_threads(threads); }"),
            std::string::npos) << source;
  // Every exported symbol is the prefix's; each is defined by the source.
  std::vector<std::string> symbols = sharedLibrarySymbols("evil", "00ff");
  EXPECT_EQ(symbols.size(), 9u);
  for (const std::string &symbol : symbols) {
    EXPECT_EQ(symbol.rfind("evil_", 0), 0u) << symbol;
    EXPECT_TRUE(source.find(symbol + "(") != std::string::npos ||
                source.find(symbol + " = ") != std::string::npos)
        << symbol;
  }
  // Without `shared`, none of the library's entry points.
  build.shared = false;
  EXPECT_EQ(generateModelHeader(plan, "evil", "00ff", build).find("evil_run_arrays"),
            std::string::npos);
  EXPECT_EQ(generateModelSource(plan, "evil", false, "00ff", build).find("evil_tensor_wrap"),
            std::string::npos);
}
