// Names and values for a new migration: the file-name slug and number, the header message, the
// creation date.
#include "authoring/naming.hpp"

#include <algorithm>

#include "util/error.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

bool is_slug_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// 18 digits always fit in an unsigned 64-bit number.
constexpr std::size_t kMaxNumberDigits = 18;

}  // namespace

std::string slugify(std::string_view message) {
    std::string slug;
    for (const char raw : message) {
        const char c = ascii_lower(raw);
        if (is_slug_char(c)) {
            slug += c;
        } else if (!slug.empty() && slug.back() != '_') {
            slug += '_';
        }
    }
    while (!slug.empty() && slug.back() == '_') {
        slug.pop_back();
    }
    if (slug.size() > kMaxSlugLength) {
        // Cut at the last word boundary that keeps the limit, unless that loses most of it.
        const auto cut = slug.rfind('_', kMaxSlugLength);
        slug.resize(cut != std::string::npos && cut >= kMaxSlugLength / 2 ? cut : kMaxSlugLength);
        while (!slug.empty() && slug.back() == '_') {
            slug.pop_back();
        }
    }
    return slug.empty() ? "migration" : slug;
}

std::string header_message(std::string_view message) {
    std::string out;
    for (std::size_t i = 0; i < message.size(); ++i) {
        const auto u = static_cast<unsigned char>(message[i]);
        if (u == '\r' && i + 1 < message.size() && message[i + 1] == '\n') {
            continue;  // CRLF is one line break
        }
        out += u < 0x20 || u == 0x7f ? ' ' : message[i];
    }
    return std::string(trim(out));
}

std::string next_number(const std::vector<std::string>& up_file_names) {
    unsigned long long largest = 0;
    std::size_t width = 4;
    for (const auto& name : up_file_names) {
        std::size_t digits = 0;
        while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') {
            ++digits;
        }
        if (digits == 0) {
            continue;
        }
        if (digits > kMaxNumberDigits) {
            throw Error("cannot number the new migration: '" + printable(name) +
                        "' starts with a number of more than " + std::to_string(kMaxNumberDigits) +
                        " digits");
        }
        largest = std::max(largest, std::stoull(name.substr(0, digits)));
        width = std::max(width, digits);
    }
    std::string number = std::to_string(largest + 1);
    if (number.size() < width) {
        number.insert(0, width - number.size(), '0');
    }
    return number;
}

std::string migration_stem(const std::vector<std::string>& up_file_names,
                           std::string_view message) {
    return next_number(up_file_names) + "_" + slugify(message);
}

std::string format_create_date(std::time_t t) {
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &utc);
    return buf;
}

}  // namespace runner
