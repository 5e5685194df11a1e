// Opening a database by URL: the one table of URL schemes and the backends that open them.
#include "db/open.hpp"

#include <string_view>
#include <vector>

#include "db/postgres/open_postgres.hpp"
#include "db/sqlite/open_sqlite.hpp"
#include "db/url.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

// Each backend: the URL schemes it opens ("": a path or a file: URI, no scheme; "x+": x with
// any SQLAlchemy driver part, x+psycopg2). A backend is a folder under src/db/ and one line
// here. A backend left out of the build (RUNNER_POSTGRES=OFF) keeps its line: its opener then
// says so.
struct Backend {
    std::vector<std::string_view> schemes;
    BackendOpener open;
};
const Backend kBackends[] = {
    {{"", "sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"}, &open_sqlite},
    {{"postgresql", "postgres", "postgresql+", "postgres+"}, &open_postgres},
};

// The backend that opens `scheme` (lower case); null when none does.
BackendOpener backend_for(const std::string& scheme) {
    for (const auto& backend : kBackends) {
        for (const std::string_view s : backend.schemes) {
            const bool any_driver = !s.empty() && s.back() == '+';
            if (scheme == s || (any_driver && scheme.size() > s.size() &&
                                std::string_view(scheme).substr(0, s.size()) == s)) {
                return backend.open;
            }
        }
    }
    return nullptr;
}

// The scheme of `url` in lower case: scheme://..., "postgresql" for libpq's keyword/value form,
// "" for a path or a file: URI.
std::string scheme_of(const std::string& url) {
    const auto scheme_end = url.find("://");
    if (url.rfind("file:", 0) == 0) {
        return "";
    }
    if (scheme_end != std::string::npos) {
        return lower_ascii(url.substr(0, scheme_end));
    }
    if (looks_like_libpq_keywords(url)) {
        return "postgresql";  // libpq's keyword/value form: host=db dbname=app
    }
    return "";
}

}  // namespace

bool names_postgres(const std::string& url) {
    return !url.empty() && backend_for(scheme_of(url)) == &open_postgres;
}

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
    const std::string scheme = scheme_of(url);
    const BackendOpener open = backend_for(scheme);
    if (open == nullptr) {
        throw Error("database URL '" + shown + "' uses '" + printable(scheme) +
                    "', which runner does not support (sqlite, also written sqlite+pysqlite "
                    "or sqlite+aiosqlite; postgresql or postgres, also with a driver part such "
                    "as postgresql+psycopg2)");
    }
    return open(url, shown, mode, options);
}

std::unique_ptr<Connection> open_default_scratch(const std::string& version_table) {
    return open_sqlite_scratch(version_table);
}

}  // namespace runner
