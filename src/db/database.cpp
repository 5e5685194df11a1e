// Backend-independent parts of the database layer: URL handling and the backend factory.
#include "db/database.hpp"

#include "util/text.hpp"

namespace runner {

std::unique_ptr<Database> open_sqlite(const std::string& path, const std::string& shown,
                                      OpenMode mode, const OpenOptions& options);

StatementError::StatementError(std::string origin, int line, std::string db_message,
                               std::string excerpt, int statement)
    : Error(origin + ":" + std::to_string(line) + ": " + db_message),
      line_(line),
      statement_(statement),
      excerpt_(std::move(excerpt)),
      db_message_(std::move(db_message)) {}

std::string mask_secrets(const std::string& url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) {
        return url;
    }
    const auto authority_start = scheme_end + 3;
    const auto at = url.find('@', authority_start);
    const auto slash = url.find('/', authority_start);
    if (at == std::string::npos || (slash != std::string::npos && slash < at)) {
        return url;
    }
    const auto colon = url.find(':', authority_start);
    if (colon == std::string::npos || colon > at) {
        return url;
    }
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::unique_ptr<Database> open_database(const std::string& url, OpenMode mode,
                                        const OpenOptions& options) {
    if (!is_identifier(options.version_table)) {
        throw Error("version_table '" + printable(options.version_table) +
                    "' must be a plain identifier (letters, digits, '_')");
    }
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) {
        if (url.empty()) {
            throw Error(
                "no database given: use --db PATH, set DATABASE_URL, or put 'db =' in runner.ini");
        }
        return open_sqlite(url, url, mode, options);
    }
    const std::string scheme = url.substr(0, scheme_end);
    if (scheme == "sqlite") {
        // sqlite:///relative.db and sqlite:////absolute.db, as in SQLAlchemy and Alembic.
        std::string rest = url.substr(scheme_end + 3);
        if (rest.empty() || rest.front() != '/') {
            throw Error(
                "database URL '" + mask_secrets(url) +
                "' has a host part; write sqlite:///relative/path or sqlite:////absolute/path");
        }
        rest.erase(0, 1);
        if (const auto q = rest.find('?'); q != std::string::npos) {
            rest.erase(q);
        }
        if (rest.empty()) {
            throw Error("database URL '" + url + "' names no file");
        }
        return open_sqlite(rest, mask_secrets(url), mode, options);
    }
    throw Error("database URL '" + mask_secrets(url) + "' uses '" + printable(scheme) +
                "', which this runner does not support yet (only sqlite)");
}

}  // namespace runner
