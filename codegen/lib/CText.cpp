// Escaping of input text for generated C (see CText.h).
#include "kconv/Codegen/CText.h"

#include <cstdio>

namespace kconv::codegen {

namespace {
bool printableAscii(unsigned char ch) { return ch >= 0x20 && ch < 0x7f; }
bool identifierChar(unsigned char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_';
}
} // namespace

std::string cCommentText(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(text[i]);
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (!printableAscii(ch)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", ch);
      out += hex;
    } else if ((ch == '*' && next == '/') || (ch == '/' && next == '*') ||
               (ch == '?' && next == '?')) {
      out += char(ch);
      out += '\\'; // the pair can no longer close or open a comment, nor start a trigraph
    } else {
      out += char(ch);
    }
  }
  return out;
}

std::string cStringLiteral(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    unsigned char ch = static_cast<unsigned char>(c);
    if (ch == '"' || ch == '\\' || ch == '?') {
      out += '\\';
      out += c;
    } else if (printableAscii(ch)) {
      out += c;
    } else {
      char octal[8]; // always three digits: a following digit cannot extend the escape
      std::snprintf(octal, sizeof octal, "\\%03o", ch);
      out += octal;
    }
  }
  return out + "\"";
}

bool isCIdentifier(std::string_view text) {
  if (text.empty() || (text[0] >= '0' && text[0] <= '9'))
    return false;
  for (char c : text)
    if (!identifierChar(static_cast<unsigned char>(c)))
      return false;
  return true;
}

std::string cIdentifierFrom(std::string_view text) {
  std::string out;
  for (char c : text)
    out += identifierChar(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || (out[0] >= '0' && out[0] <= '9'))
    out = "m_" + out;
  return out;
}

} // namespace kconv::codegen
