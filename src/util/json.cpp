// A minimal JSON writer for --format json output: objects, arrays, strings, numbers, booleans.
#include "util/json.hpp"

#include <cstdio>

#include "util/text.hpp"

namespace runner {

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '"':
                out += "\\\"";
                ++i;
                continue;
            case '\\':
                out += "\\\\";
                ++i;
                continue;
            case '\n':
                out += "\\n";
                ++i;
                continue;
            case '\r':
                out += "\\r";
                ++i;
                continue;
            case '\t':
                out += "\\t";
                ++i;
                continue;
            default:
                break;
        }
        char buf[8];
        if (c < 0x20 || c == 0x7f) {
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
            ++i;
            continue;
        }
        const std::size_t n = utf8_sequence_length(text, i);
        if (n == 0) {
            out += "\\ufffd";  // not well-formed UTF-8: one replacement per byte
            ++i;
            continue;
        }
        if (n == 2 && c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
            // C1 controls are valid JSON, but escaped they cannot reach a terminal raw.
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(text[i + 1]));
            out += buf;
            i += 2;
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    return out + "\"";
}

std::string json_strings(const std::vector<std::string>& items) {
    std::vector<std::string> encoded;
    encoded.reserve(items.size());
    for (const auto& item : items) {
        encoded.push_back(json_string(item));
    }
    return json_array(encoded);
}

std::string json_array(const std::vector<std::string>& encoded) {
    std::string out = "[";
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        out += i == 0 ? "" : ",";
        out += encoded[i];
    }
    return out + "]";
}

void JsonObject::key(std::string_view k) {
    if (body_.size() > 1) {
        body_ += ",";
    }
    body_ += json_string(k) + ":";
}

JsonObject& JsonObject::add(std::string_view k, std::string_view value) {
    key(k);
    body_ += json_string(value);
    return *this;
}

JsonObject& JsonObject::add(std::string_view k, std::int64_t value) {
    key(k);
    body_ += std::to_string(value);
    return *this;
}

JsonObject& JsonObject::add(std::string_view k, bool value) {
    key(k);
    body_ += value ? "true" : "false";
    return *this;
}

JsonObject& JsonObject::add_null(std::string_view k) {
    key(k);
    body_ += "null";
    return *this;
}

JsonObject& JsonObject::add_raw(std::string_view k, std::string_view json) {
    key(k);
    body_ += json;
    return *this;
}

}  // namespace runner
