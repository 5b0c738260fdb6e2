// Input text (model, layer and input names) as it may appear in generated C and in
// Halide names: escaped for comments and string literals, or mapped to identifiers.
// Nothing a Keras file says can end a comment, a string or a line of generated code.
#ifndef KCONV_CODEGEN_CTEXT_H
#define KCONV_CODEGEN_CTEXT_H

#include <string>
#include <string_view>

namespace kconv::codegen {

/// `text` for the inside of a /* */ comment: printable ASCII stays, except that "*/"
/// and "/*" are broken up ("*\/", "/\*") and "??" (a trigraph's start) becomes "?\?";
/// every other byte (newlines, control characters, UTF-8) is written as "\xNN".
std::string cCommentText(std::string_view text);

/// `text` as a C string literal with its quotes: printable ASCII stays, except '"',
/// '\\' and '?' (trigraphs), which are escaped; every other byte is a three-digit octal
/// escape, so the string holds exactly the bytes of `text`.
std::string cStringLiteral(std::string_view text);

/// Whether `text` is a C identifier: [A-Za-z_][A-Za-z0-9_]*.
bool isCIdentifier(std::string_view text);

/// A C identifier derived from `text`: each byte other than [A-Za-z0-9_] becomes '_',
/// and "m_" is put in front of an empty result or one that starts with a digit.
std::string cIdentifierFrom(std::string_view text);

} // namespace kconv::codegen

#endif
