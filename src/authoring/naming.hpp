// Names and values for a new migration: the file-name slug and number, the header message, the
// creation date. Pure.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace runner {

inline constexpr std::size_t kMaxSlugLength = 40;

// The file-name part made from a message: lower-case ASCII letters and digits; every other run
// of bytes becomes one '_'; no leading or trailing '_'; at most kMaxSlugLength characters, cut
// at a '_' when one is in reach. "migration" when nothing is left.
std::string slugify(std::string_view message);

// The message as a header value (headers are one line per key): line breaks and other control
// characters become spaces, and the ends are trimmed. Everything else is kept as typed.
std::string header_message(std::string_view message);

// The number prefix for the next file, given the names of the existing `*.up.sql` files: one
// more than the largest leading number, zero-padded to 4 digits, or wider to match the widest
// existing prefix or to fit. Names without a leading number are ignored. Throws Error for a
// prefix too long to count.
std::string next_number(const std::vector<std::string>& up_file_names);

// "NNNN_slug": the stem of the next pair of files.
std::string migration_stem(const std::vector<std::string>& up_file_names, std::string_view message);

// `t` in UTC as "YYYY-MM-DD HH:MM:SS", the create_date header format.
std::string format_create_date(std::time_t t);

}  // namespace runner
