// Database URLs: decoding, and the one function that masks their secrets (see open.hpp).
#include "db/url.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "db/open.hpp"

namespace runner {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace

std::string lower_ascii(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
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

bool is_secret_key(std::string key) {
    key = lower_ascii(percent_decode(key));
    return key.find("password") != std::string::npos || key.find("passwd") != std::string::npos ||
           key == "pwd" || key.find("secret") != std::string::npos ||
           key.find("token") != std::string::npos || key == "key" || key == "hexkey" ||
           key.find("apikey") != std::string::npos || key.find("api_key") != std::string::npos;
}

bool looks_like_libpq_keywords(std::string_view s) {
    constexpr std::string_view kSpace = " \t\n\r\f\v";
    const auto start = s.find_first_not_of(kSpace);
    if (start == std::string_view::npos) {
        return false;
    }
    s.remove_prefix(start);
    std::size_t k = 0;
    while (k < s.size() && (std::isalpha(static_cast<unsigned char>(s[k])) || s[k] == '_')) {
        ++k;
    }
    const std::string key = lower_ascii(std::string(s.substr(0, k)));
    s.remove_prefix(k);
    const auto eq = s.find_first_not_of(kSpace);
    static constexpr std::array<std::string_view, 16> kKeywords = {
        "host",           "hostaddr",         "port",    "dbname",      "user",
        "password",       "passfile",         "sslmode", "service",     "connect_timeout",
        "options",        "application_name", "sslcert", "sslrootcert", "target_session_attrs",
        "client_encoding"};
    return eq != std::string_view::npos && s[eq] == '=' &&
           std::find(kKeywords.begin(), kKeywords.end(), key) != kKeywords.end();
}

namespace {

// Masks the values of secret-looking `key=value` parameters in a query string, in place.
void mask_query(std::string& out, std::size_t from) {
    for (std::size_t q = from; q < out.size();) {
        const auto end = std::min(out.find('&', q), out.find('#', q));
        const auto stop = end == std::string::npos ? out.size() : end;
        const auto eq = out.find('=', q);
        if (eq != std::string::npos && eq < stop && is_secret_key(out.substr(q, eq - q))) {
            out.replace(eq + 1, stop - eq - 1, "***");
            q = eq + 4;
        } else {
            q = stop;
        }
        if (q < out.size()) {
            ++q;  // past the '&'
        }
    }
}

// Masks `password=value` / `password = 'va lue'` in libpq keyword/value strings, in place.
void mask_keywords(std::string& out) {
    const std::string lower = lower_ascii(out);
    std::string result;
    std::size_t copied = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (!std::isalpha(static_cast<unsigned char>(out[i])) ||
            (i > 0 &&
             (std::isalnum(static_cast<unsigned char>(out[i - 1])) || out[i - 1] == '_'))) {
            continue;
        }
        std::size_t k = i;
        while (k < out.size() &&
               (std::isalnum(static_cast<unsigned char>(out[k])) || out[k] == '_')) {
            ++k;
        }
        std::size_t eq = k;
        while (eq < out.size() && out[eq] == ' ') {
            ++eq;
        }
        if (eq >= out.size() || out[eq] != '=' || !is_secret_key(lower.substr(i, k - i))) {
            i = k;
            continue;
        }
        std::size_t v = eq + 1;
        while (v < out.size() && out[v] == ' ') {
            ++v;
        }
        std::size_t end = v;
        if (end < out.size() && out[end] == '\'') {
            for (++end; end < out.size() && out[end] != '\''; ++end) {
                if (out[end] == '\\') {
                    ++end;
                }
            }
            end = std::min(end + 1, out.size());
        } else {
            while (end < out.size() && !std::isspace(static_cast<unsigned char>(out[end])) &&
                   out[end] != '&' && out[end] != ';' && out[end] != ',') {
                ++end;
            }
        }
        result += out.substr(copied, v - copied) + "***";
        copied = end;
        i = end;
    }
    out = result + out.substr(copied);
}

}  // namespace

std::string mask_secrets(const std::string& url) {
    std::string out = url;
    const auto scheme_end = out.find("://");
    if (scheme_end != std::string::npos) {
        // userinfo runs to the LAST '@': a password may hold '/', '?', '#' or a raw '@'. A '@'
        // later in the query masks more than needed, never less.
        const auto authority = scheme_end + 3;
        const auto at = out.rfind('@');
        if (at != std::string::npos && at >= authority) {
            const auto colon = out.find(':', authority);
            if (colon != std::string::npos && colon < at) {
                out.replace(colon + 1, at - colon - 1, "***");
            }
        }
    }
    if (const auto q = out.find('?'); q != std::string::npos) {
        mask_query(out, q + 1);
    }
    // SQLite ignores a URL's fragment, but a password put there is still a password.
    if (const auto h = out.find('#', scheme_end == std::string::npos ? out.size() : scheme_end);
        h != std::string::npos) {
        mask_query(out, h + 1);
    }
    if (scheme_end == std::string::npos) {
        mask_keywords(out);  // "host=db password=secret": libpq keyword/value strings
    }
    return out;
}

}  // namespace runner
