// Backend-independent parts of the database layer: URL handling and the backend factory.
#include "db/database.hpp"

#include <cctype>

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
    std::string out = url;
    // userinfo runs to the LAST '@' before the query: passwords may hold '/' or a raw '@'.
    const auto authority = scheme_end + 3;
    const auto query = out.find('?', authority);
    const auto at = out.rfind('@', query == std::string::npos ? std::string::npos : query);
    if (at != std::string::npos && at >= authority) {
        const auto colon = out.find(':', authority);
        if (colon != std::string::npos && colon < at) {
            out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    // Query parameters that carry secrets (libpq: password=, sslpassword=; others: pwd=, ...).
    for (auto q = out.find('?'); q != std::string::npos && q < out.size();) {
        const auto amp = out.find('&', q + 1);
        const auto end = amp == std::string::npos ? out.size() : amp;
        const auto eq = out.find('=', q + 1);
        if (eq != std::string::npos && eq < end) {
            std::string key = out.substr(q + 1, eq - q - 1);
            for (auto& c : key) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            if (key.find("password") != std::string::npos || key == "pwd" || key == "passwd" ||
                key.find("secret") != std::string::npos || key.find("token") != std::string::npos) {
                out.replace(eq + 1, end - eq - 1, "***");
            }
        }
        const auto next = out.find('&', eq == std::string::npos ? q + 1 : eq);
        q = next;
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
