// PostgreSQL database names: URL schemes, SQLAlchemy driver parts, keyword/value strings.
#include "db/postgres/pg_url.hpp"

#include "db/url.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace runner {

namespace {

// The scheme without a driver part ("postgresql" for "postgresql+psycopg2"), lower case; empty
// when `url` has no "://".
std::string base_scheme(std::string_view url) {
    const auto end = url.find("://");
    if (end == std::string_view::npos) {
        return {};
    }
    auto scheme = lower_ascii(std::string(url.substr(0, end)));
    if (const auto plus = scheme.find('+'); plus != std::string::npos) {
        scheme.erase(plus);
    }
    return scheme;
}

bool is_keyword_char(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}

}  // namespace

bool is_postgres_url(std::string_view url) {
    const auto scheme = base_scheme(url);
    if (!scheme.empty()) {
        return scheme == "postgresql" || scheme == "postgres";
    }
    return looks_like_libpq_keywords(url);
}

std::string libpq_conninfo(std::string_view url) {
    const auto end = url.find("://");
    if (end == std::string_view::npos) {
        return std::string(url);
    }
    return base_scheme(url) + std::string(url.substr(end));
}

std::string written_password(std::string_view url) {
    const auto end = url.find("://");
    if (end != std::string_view::npos) {
        const auto authority = end + 3;
        const auto at = url.rfind('@');
        if (at == std::string_view::npos || at < authority) {
            return {};
        }
        const auto colon = url.find(':', authority);
        if (colon == std::string_view::npos || colon > at) {
            return {};
        }
        return std::string(url.substr(colon + 1, at - colon - 1));
    }
    // password=value or password='quoted value' in a keyword string.
    for (std::size_t i = 0; i < url.size();) {
        const auto p = lower_ascii(std::string(url)).find("password", i);
        if (p == std::string::npos) {
            break;
        }
        std::size_t k = p + 8;
        while (k < url.size() && url[k] == ' ') {
            ++k;
        }
        if ((p > 0 && is_keyword_char(url[p - 1])) || k >= url.size() || url[k] != '=') {
            i = p + 8;
            continue;
        }
        ++k;
        while (k < url.size() && url[k] == ' ') {
            ++k;
        }
        std::string value;
        if (k < url.size() && url[k] == '\'') {
            for (++k; k < url.size() && url[k] != '\''; ++k) {
                if (url[k] == '\\' && k + 1 < url.size()) {
                    ++k;
                }
                value += url[k];
            }
        } else {
            for (; k < url.size() && url[k] != ' '; ++k) {
                value += url[k];
            }
        }
        return value;
    }
    return {};
}

std::string percent_decoded_password(std::string_view url) {
    return percent_decode(written_password(url));
}

}  // namespace runner
