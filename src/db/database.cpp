// Backend-independent parts of the database layer: URL handling and the backend factory.
#include "db/database.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include "util/text.hpp"

namespace runner {

std::unique_ptr<Database> open_sqlite(const SqliteLocation& where, const std::string& shown,
                                      OpenMode mode, const OpenOptions& options);

namespace {

std::string lower_ascii(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// %HH escapes decoded; a '%' not followed by two hex digits stays as it is.
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

// Reads URI query parameters for SQLite: the ones runner honours, and an error naming any other.
void read_query(std::string_view query, const std::string& shown, SqliteLocation& where) {
    std::vector<std::string> passed;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (item.empty()) {
            continue;
        }
        const auto eq = item.find('=');
        const std::string key = percent_decode(item.substr(0, eq));
        const std::string value =
            eq == std::string_view::npos ? "" : percent_decode(item.substr(eq + 1));
        if (key == "mode" && (value == "ro" || value == "rw" || value == "rwc")) {
            where.read_only = value == "ro";
            where.no_create = value != "rwc";
            passed.push_back("mode=" + value);
        } else if (key == "mode" && value == "memory") {
            where.memory = true;
        } else if (key == "cache" && (value == "shared" || value == "private")) {
            passed.push_back("cache=" + value);
        } else if (key == "uri" && (value == "true" || value == "1")) {
            // SQLAlchemy's flag for "the database is a file: URI": the path says so already.
        } else {
            const std::string what = key == "mode" || key == "cache" || key == "uri"
                                         ? "'" + printable(key) + "=" +
                                               (is_secret_key(key) ? "***" : printable(value)) + "'"
                                         : "parameter '" + printable(key) + "'";
            throw Error("database URL '" + shown + "': " + what +
                        " is not supported (runner understands mode=ro|rw|rwc, "
                        "cache=shared|private and uri=true)");
        }
    }
    where.query = join(passed, "&");
}

// A SQLite URI filename (file:app.db, file:///abs/app.db?mode=ro): the file and its parameters.
SqliteLocation parse_file_uri(std::string_view uri, std::string_view outer_query,
                              const std::string& shown) {
    SqliteLocation where;
    std::string_view rest = uri.substr(5);  // after "file:"
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
        rest = rest.substr(0, hash);
    }
    std::string_view query = outer_query;
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    if (rest.substr(0, 2) == "//") {
        rest.remove_prefix(2);
        const auto slash = rest.find('/');
        const auto authority = rest.substr(0, slash);
        if (!authority.empty() && authority != "localhost") {
            throw Error("database URL '" + shown + "' names the host '" + printable(authority) +
                        "'; a file: URI names a local file (file:app.db, file:///abs/app.db)");
        }
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    }
    where.path = percent_decode(rest);
    read_query(query, shown, where);
    if (where.path == ":memory:" || (where.path.empty() && !where.memory)) {
        where.memory = where.memory || where.path == ":memory:";
        if (!where.memory) {
            throw Error("database URL '" + shown + "' names no file");
        }
    }
    return where;
}

// "host=db user=alice ...": libpq's keyword/value form, not a file name.
bool looks_like_keywords(std::string_view s) {
    const auto start = s.find_first_not_of(' ');
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
    const auto eq = s.find_first_not_of(' ');
    static const std::vector<std::string> kKeywords = {"host",
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
                                                       "options"};
    return eq != std::string_view::npos && s[eq] == '=' &&
           std::find(kKeywords.begin(), kKeywords.end(), key) != kKeywords.end();
}

}  // namespace

StatementError::StatementError(std::string origin, int line, std::string db_message,
                               std::string excerpt, int statement)
    : Error(origin + ":" + std::to_string(line) + ": " + db_message, {excerpt}),
      line_(line),
      statement_(statement),
      excerpt_(std::move(excerpt)),
      db_message_(std::move(db_message)) {}

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
    if (scheme_end == std::string::npos) {
        mask_keywords(out);  // "host=db password=secret": libpq keyword/value strings
    }
    return out;
}

std::unique_ptr<Database> open_database(const std::string& url, OpenMode mode,
                                        const OpenOptions& options) {
    if (!is_identifier(options.version_table)) {
        throw Error("version_table '" + printable(options.version_table) +
                    "' must be a plain identifier (letters, digits, '_')");
    }
    std::string table = options.version_table;
    for (auto& c : table) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (table == "alembic_version") {
        throw Error(
            "version_table 'alembic_version' is Alembic's version table, which runner does not "
            "use as its own; leave version_table unset (runner_version) and run 'runner adopt' "
            "to take over the revisions Alembic recorded there");
    }
    const std::string shown = mask_secrets(url);
    if (url.empty()) {
        throw Error(
            "no database given: use --db PATH, set DATABASE_URL, or put 'db =' in runner.ini");
    }
    SqliteLocation where;
    const auto scheme_end = url.find("://");
    if (url.rfind("file:", 0) == 0) {
        where = parse_file_uri(url, {}, shown);
    } else if (scheme_end == std::string::npos) {
        if (looks_like_keywords(url)) {
            throw Error("database '" + shown +
                        "' looks like a PostgreSQL keyword/value connection string, which this "
                        "runner does not support yet (only sqlite: a path or sqlite:///path)");
        }
        where.path = url;
        where.memory = url == ":memory:";
    } else {
        const std::string scheme = lower_ascii(url.substr(0, scheme_end));
        if (scheme != "sqlite" && scheme != "sqlite+pysqlite" && scheme != "sqlite+aiosqlite") {
            throw Error("database URL '" + shown + "' uses '" + printable(scheme) +
                        "', which this runner does not support yet (only sqlite, also written "
                        "sqlite+pysqlite or sqlite+aiosqlite)");
        }
        // sqlite:///relative.db and sqlite:////absolute.db, as in SQLAlchemy and Alembic;
        // sqlite:// alone is SQLAlchemy's in-memory database.
        std::string rest = url.substr(scheme_end + 3);
        if (!rest.empty() && rest.front() != '/') {
            throw Error("database URL '" + shown +
                        "' has a host part; write sqlite:///relative/path or "
                        "sqlite:////absolute/path");
        }
        if (!rest.empty()) {
            rest.erase(0, 1);
        }
        std::string query;
        if (const auto q = rest.find('?'); q != std::string::npos) {
            query = rest.substr(q + 1);
            rest.erase(q);
        }
        if (rest.rfind("file:", 0) == 0) {
            where = parse_file_uri(rest, query, shown);  // sqlite:///file:app.db?mode=ro&uri=true
        } else {
            where.path = rest;
            read_query(query, shown, where);
            where.memory = where.memory || rest == ":memory:" || url == scheme + "://";
            if (rest.empty() && !where.memory) {
                throw Error("database URL '" + shown + "' names no file");
            }
        }
    }
    if (where.memory) {
        throw Error("database " + shown +
                    " is in memory: it would start empty and keep nothing after runner exits; "
                    "name a database file");
    }
    return open_sqlite(where, shown, mode, options);
}

}  // namespace runner
