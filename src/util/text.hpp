// Small pure string helpers shared by the parser, the graph and the output code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace runner {

std::string_view trim(std::string_view s);

// Splits "a, b ,c" on commas, trims each part and drops empty parts.
std::vector<std::string> split_list(std::string_view s);

std::string join(const std::vector<std::string>& parts, std::string_view sep);

// True when s is non-empty and every character is a letter, digit or '_'.
bool is_identifier(std::string_view s);

// Quotes s for a one-line message: non-printable bytes become \xNN, and long values are cut.
std::string printable(std::string_view s, std::size_t max_len = 80);

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// s made safe to print on a terminal: control characters other than newline and tab (C0, DEL,
// and C1 as UTF-8) become \xNN or \uNNNN, and bytes that are not well-formed UTF-8 become \xNN;
// everything else, including valid UTF-8, is kept.
std::string terminal_safe(std::string_view s);

}  // namespace runner
