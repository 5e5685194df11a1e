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

}  // namespace runner
