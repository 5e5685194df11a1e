// Opening a database by URL: the one table of URL schemes and the backends that open them.
#include "db/open.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include "db/sqlite/open_sqlite.hpp"
#include "db/url.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

// Each backend: the URL schemes it opens ("": a path or a file: URI, no scheme). A backend is a
// folder under src/db/ and one line here.
struct Backend {
    std::vector<std::string_view> schemes;
    BackendOpener open;
};
const Backend kBackends[] = {
    {{"", "sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"}, &open_sqlite},
};

// The backend that opens `scheme` (lower case); null when none does.
BackendOpener backend_for(const std::string& scheme) {
    for (const auto& backend : kBackends) {
        for (const std::string_view s : backend.schemes) {
            if (scheme == s) {
                return backend.open;
            }
        }
    }
    return nullptr;
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

std::unique_ptr<Connection> open_connection(const std::string& url, OpenMode mode,
                                            const OpenOptions& options) {
    if (!is_identifier(options.version_table)) {
        throw Error("version_table '" + printable(options.version_table) +
                    "' must be a plain identifier (letters, digits, '_')");
    }
    if (lower_ascii(options.version_table) == "alembic_version") {
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
    // scheme://..., libpq's keyword/value form, or a path or file: URI (no scheme).
    const auto scheme_end = url.find("://");
    std::string scheme;
    if (url.rfind("file:", 0) == 0) {
        scheme = "";
    } else if (scheme_end != std::string::npos) {
        scheme = lower_ascii(url.substr(0, scheme_end));
    } else if (looks_like_keywords(url)) {
        scheme = "postgresql";
    }
    const BackendOpener open = backend_for(scheme);
    if (open == nullptr && scheme_end == std::string::npos) {
        throw Error("database '" + shown +
                    "' looks like a PostgreSQL keyword/value connection string, which this "
                    "runner does not support yet (only sqlite: a path or sqlite:///path)");
    }
    if (open == nullptr) {
        throw Error("database URL '" + shown + "' uses '" + printable(scheme) +
                    "', which this runner does not support yet (only sqlite, also written "
                    "sqlite+pysqlite or sqlite+aiosqlite)");
    }
    return open(url, shown, mode, options);
}

std::unique_ptr<Connection> open_default_scratch(const std::string& version_table) {
    return open_sqlite_scratch(version_table);
}

}  // namespace runner
