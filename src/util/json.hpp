// A minimal JSON writer for --format json output: objects, arrays, strings, numbers, booleans.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runner {

// "text" with JSON escapes (RFC 8259): always valid UTF-8, each byte that is not part of a
// well-formed UTF-8 sequence (overlong, surrogate, above U+10FFFF, cut) becomes U+FFFD, and
// control characters (C0, DEL, C1) are \u escapes.
std::string json_string(std::string_view text);
std::string json_strings(const std::vector<std::string>& items);

// Builds one JSON object: Json().add("a", 1).add("b", "x").str() == {"a":1,"b":"x"}.
class JsonObject {
  public:
    JsonObject& add(std::string_view key, std::string_view value);
    JsonObject& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    JsonObject& add(std::string_view key, const std::string& value) {
        return add(key, std::string_view(value));
    }
    JsonObject& add(std::string_view key, std::int64_t value);
    JsonObject& add(std::string_view key, int value) {
        return add(key, static_cast<std::int64_t>(value));
    }
    JsonObject& add(std::string_view key, bool value);
    JsonObject& add_null(std::string_view key);
    // `json` is already-encoded JSON (an array, an object).
    JsonObject& add_raw(std::string_view key, std::string_view json);
    std::string str() const { return body_ + "}"; }

  private:
    void key(std::string_view k);
    std::string body_ = "{";
};

// Joins already-encoded JSON values into an array.
std::string json_array(const std::vector<std::string>& encoded);

}  // namespace runner
