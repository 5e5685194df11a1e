// Pieces of database URLs every backend reads the same way: %-escapes, secret parameter names.
#pragma once

#include <string>
#include <string_view>

namespace runner {

std::string lower_ascii(std::string s);
// %HH escapes decoded; a '%' not followed by two hex digits stays as it is.
std::string percent_decode(std::string_view s);
// Whether a URL parameter or connection keyword holds a secret (password, token, key, ...).
bool is_secret_key(std::string key);
// Whether `s` is a libpq keyword/value connection string ("host=db dbname=app user=alice"): it
// starts (after any whitespace) with one of libpq's connection keywords and '='.
bool looks_like_libpq_keywords(std::string_view s);

}  // namespace runner
