/// @file detail/json.hpp
/// The strict JSON reader behind io/safetensors.hpp: a cursor over the header's bytes, no heap,
/// no exceptions. RFC 8259 syntax (no comments, no trailing commas, no leading zeros, control
/// characters only escaped, \u escapes checked), numbers read only as the non-negative integers a
/// safetensors header holds. Every function returns false at the first error and leaves `at` at
/// the offending byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ctnn::detail {

struct json_cursor {
  std::string_view text;
  std::size_t at = 0;

  constexpr bool done() const { return at >= text.size(); }
  constexpr char peek() const { return done() ? '\0' : text[at]; }

  constexpr void skip_space() {
    while (!done() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
      ++at;
  }
  /// Skips white space, then consumes c.
  constexpr bool take(char c) {
    skip_space();
    if (peek() != c) return false;
    ++at;
    return true;
  }

  /// A string: `raw` is what lies between the quotes (escapes not decoded), `escaped` whether it
  /// holds any.
  constexpr bool string(std::string_view& raw, bool& escaped) {
    if (!take('"')) return false;
    const std::size_t begin = at;
    escaped = false;
    while (!done()) {
      const auto c = static_cast<unsigned char>(text[at]);
      if (c == '"') {
        raw = text.substr(begin, at - begin);
        ++at;
        return true;
      }
      if (c < 0x20) return false;  // control characters must be escaped
      if (c == '\\') {
        escaped = true;
        ++at;
        const char e = peek();
        if (e == 'u') {
          for (int k = 0; k < 4; ++k) {
            ++at;
            const char h = peek();
            if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
              return false;
          }
        } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                   e != 'r' && e != 't') {
          return false;
        }
      }
      ++at;
    }
    return false;  // no closing quote
  }

  /// A non-negative integer below 2^53 (JSON's exact range), without leading zeros.
  constexpr bool integer(std::uint64_t& value) {
    skip_space();
    const char first = peek();
    if (first < '0' || first > '9') return false;
    value = 0;
    if (first == '0') {
      ++at;
    } else {
      while (!done() && text[at] >= '0' && text[at] <= '9') {
        value = value * 10 + std::uint64_t(text[at] - '0');
        if (value >= (std::uint64_t{1} << 53)) return false;
        ++at;
      }
    }
    const char next = peek();
    return !(next == '.' || next == 'e' || next == 'E' || (next >= '0' && next <= '9'));
  }
};

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
