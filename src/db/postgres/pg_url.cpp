// PostgreSQL database names: URL schemes, SQLAlchemy driver parts, keyword/value strings.
#include "db/postgres/pg_url.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace runner {

namespace {

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// The scheme without a driver part ("postgresql" for "postgresql+psycopg2"), lower case; empty
// when `url` has no "://".
std::string base_scheme(std::string_view url) {
    const auto end = url.find("://");
    if (end == std::string_view::npos) {
        return {};
    }
    auto scheme = lower_ascii(url.substr(0, end));
    if (const auto plus = scheme.find('+'); plus != std::string::npos) {
        scheme.erase(plus);
    }
    return scheme;
}

bool is_keyword_char(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// "host=db user=alice ...": starts with one of libpq's connection keywords and '='.
bool looks_like_keywords(std::string_view s) {
    const auto start = s.find_first_not_of(" \t\n\r");
    if (start == std::string_view::npos) {
        return false;
    }
    s.remove_prefix(start);
    std::size_t k = 0;
    while (k < s.size() && is_keyword_char(s[k])) {
        ++k;
    }
    const std::string key = lower_ascii(s.substr(0, k));
    s.remove_prefix(k);
    const auto eq = s.find_first_not_of(" \t\n\r");
    static constexpr std::array<std::string_view, 16> kKeywords = {"host",
                                                                   "hostaddr",
                                                                   "port",
                                                                   "dbname",
                                                                   "user",
                                                                   "password",
                                                                   "passfile",
                                                                   "sslmode",
                                                                   "service",
                                                                   "connect_timeout",
                                                                   "application_name",
                                                                   "options",
                                                                   "target_session_attrs",
                                                                   "sslrootcert",
                                                                   "sslcert",
                                                                   "client_encoding"};
    return eq != std::string_view::npos && s[eq] == '=' &&
           std::find(kKeywords.begin(), kKeywords.end(), key) != kKeywords.end();
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
            hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

bool is_postgres_url(std::string_view url) {
    const auto scheme = base_scheme(url);
    if (!scheme.empty()) {
        return scheme == "postgresql" || scheme == "postgres";
    }
    return looks_like_keywords(url);
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
        const auto p = lower_ascii(url).find("password", i);
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
