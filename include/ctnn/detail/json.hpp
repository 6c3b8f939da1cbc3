/// @file detail/json.hpp
/// The strict JSON reader behind io/safetensors.hpp: a cursor over the header's bytes, no heap,
/// no exceptions. RFC 8259 syntax (no comments, no trailing commas, no leading zeros, control
/// characters only escaped, \u escapes checked, surrogates paired), strings valid UTF-8 (as the
/// reference reader demands: no overlong forms, no encoded surrogates, nothing above U+10FFFF),
/// numbers read only as the non-negative integers a safetensors header holds. Every function
/// returns false at the first error, leaves `at` at the offending byte and says why in `error`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ctnn::detail {

/// Why a json_cursor stopped.
enum class json_error : std::uint8_t {
  none,
  syntax,             ///< not the expected token
  not_utf8,           ///< a string's bytes are not valid UTF-8
  bad_escape,         ///< an unknown escape, bad hex digits or an unpaired surrogate
  control_character,  ///< an unescaped byte below 0x20 in a string
  unterminated,       ///< a string without its closing quote
  not_an_integer,     ///< a number with a sign, fraction or exponent, or a leading zero
  too_large,          ///< an integer of 2^53 or more (beyond JSON's exact range)
};

struct json_cursor {
  std::string_view text;
  std::size_t at = 0;
  json_error error = json_error::none;
  std::size_t string_begin = 0;  // where the last string read (or being read) starts

  constexpr bool fail(json_error e) {
    error = e;
    return false;
  }

  constexpr bool done() const { return at >= text.size(); }
  constexpr char peek() const { return done() ? '\0' : text[at]; }

  constexpr void skip_space() {
    while (!done() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
      ++at;
  }
  /// Skips white space, then consumes c.
  constexpr bool take(char c) {
    skip_space();
    if (peek() != c) return fail(json_error::syntax);
    ++at;
    return true;
  }

  /// A string: `raw` is what lies between the quotes (escapes not decoded), `escaped` whether it
  /// holds any.
  constexpr bool string(std::string_view& raw, bool& escaped) {
    if (!take('"')) return false;
    const std::size_t begin = at;
    string_begin = begin;
    escaped = false;
    while (!done()) {
      const auto c = static_cast<unsigned char>(text[at]);
      if (c == '"') {
        raw = text.substr(begin, at - begin);
        ++at;
        error = json_error::none;
        return true;
      }
      if (c < 0x20) return fail(json_error::control_character);
      if (c >= 0x80) {
        if (!utf8_sequence()) return fail(json_error::not_utf8);
        continue;
      }
      if (c == '\\') {
        escaped = true;
        ++at;
        const char e = peek();
        if (e == 'u') {
          const unsigned v = hex4();
          if (v >= 0xDC00 && v <= 0xDFFF) return fail(json_error::bad_escape);  // lone low half
          if (v >= 0xD800 && v <= 0xDBFF) {  // a high surrogate: its low half must follow
            if (peek_at(1) != '\\' || peek_at(2) != 'u') return fail(json_error::bad_escape);
            at += 2;
            const unsigned low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) return fail(json_error::bad_escape);
          }
          if (v > 0xFFFF) return fail(json_error::bad_escape);
        } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                   e != 'r' && e != 't') {
          return fail(json_error::bad_escape);
        }
      }
      ++at;
    }
    return fail(json_error::unterminated);
  }

  constexpr char peek_at(std::size_t k) const { return at + k < text.size() ? text[at + k] : '\0'; }
  /// The 4 hex digits after "\\u" (at on the 'u'; left on the last digit), or 0x10000 if not hex.
  constexpr unsigned hex4() {
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      ++at;
      const char h = peek();
      if (h >= '0' && h <= '9')
        v = v * 16 + unsigned(h - '0');
      else if ((h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))
        v = v * 16 + unsigned((h | 0x20) - 'a' + 10);
      else
        return 0x10000;
    }
    return v;
  }
  /// Consumes one multi-byte UTF-8 sequence at `at` (RFC 3629: shortest form, no surrogates, at
  /// most U+10FFFF); false, with `at` on its first byte (where the reference reader reports it),
  /// if it is not one.
  constexpr bool utf8_sequence() {
    const std::size_t start = at;
    const auto lead = static_cast<unsigned char>(text[at]);
    int more = 0;
    unsigned low = 0x80, high = 0xBF;  // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      more = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      more = 2;
      if (lead == 0xE0) low = 0xA0;   // overlong
      if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      more = 3;
      if (lead == 0xF0) low = 0x90;   // overlong
      if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    ++at;
    for (int k = 0; k < more; ++k, ++at) {
      const auto b = static_cast<unsigned char>(peek());
      if (done() || b < (k == 0 ? low : 0x80) || b > (k == 0 ? high : 0xBF)) {
        at = start;
        return false;
      }
    }
    return true;
  }

  /// A non-negative integer below 2^53 (JSON's exact range), without leading zeros.
  constexpr bool integer(std::uint64_t& value) {
    skip_space();
    const char first = peek();
    if (first < '0' || first > '9')
      return fail(first == '-' ? json_error::not_an_integer : json_error::syntax);
    value = 0;
    if (first == '0') {
      ++at;
    } else {
      while (!done() && text[at] >= '0' && text[at] <= '9') {
        value = value * 10 + std::uint64_t(text[at] - '0');
        if (value >= (std::uint64_t{1} << 53)) return fail(json_error::too_large);
        ++at;
      }
    }
    const char next = peek();
    if (next == '.' || next == 'e' || next == 'E' || (next >= '0' && next <= '9'))
      return fail(json_error::not_an_integer);
    return true;
  }
};

/// What a json_error means, for messages.
constexpr const char* describe(json_error e) {
  switch (e) {
    case json_error::none:
      return "";
    case json_error::syntax:
      return "unexpected character";
    case json_error::not_utf8:
      return "a string that is not valid UTF-8";
    case json_error::bad_escape:
      return "an invalid escape or unpaired surrogate";
    case json_error::control_character:
      return "an unescaped control character in a string";
    case json_error::unterminated:
      return "a string without its closing quote";
    case json_error::not_an_integer:
      return "a number that is not a non-negative integer";
    case json_error::too_large:
      return "an integer of 2^53 or more (integer overflow)";
  }
  return "";
}

/// True when a JSON string's raw text (escapes undecoded) decodes to exactly `plain` (which has no
/// characters that need escaping beyond the two JSON requires).
constexpr bool json_string_equals(std::string_view raw, bool escaped, std::string_view plain) {
  if (!escaped) return raw == plain;
  std::size_t i = 0, j = 0;
  while (i < raw.size()) {
    char c = raw[i];
    if (c == '\\') {
      const char e = raw[i + 1];
      if (e == 'u') {
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
          const char h = raw[i + 2 + std::size_t(k)];
          v = v * 16 + unsigned(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        if (v >= 0x80) return false;  // our names and architectures are ASCII
        c = static_cast<char>(v);
        i += 6;
      } else {
        c = e == 'b'   ? '\b'
            : e == 'f' ? '\f'
            : e == 'n' ? '\n'
            : e == 'r' ? '\r'
            : e == 't' ? '\t'
                       : e;
        i += 2;
      }
    } else {
      ++i;
    }
    if (j >= plain.size() || plain[j] != c) return false;
    ++j;
  }
  return j == plain.size();
}

}  // namespace ctnn::detail
