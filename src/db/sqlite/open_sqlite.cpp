// Opening an SQLite database: its URL forms, and the connection's first settings.
#include "db/sqlite/open_sqlite.hpp"

#include <sys/stat.h>

#include <string_view>
#include <vector>

#include "db/file_lock.hpp"
#include "db/sqlite/handles.hpp"
#include "db/sqlite/sqlite_connection.hpp"
#include "db/url.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

// Where an SQLite database is, as read from a path or URL.
struct SqliteLocation {
    std::string path;        // the file
    std::string query;       // URI parameters passed on to SQLite ("mode=ro"), or empty
    bool read_only = false;  // mode=ro: commands that write are refused
    bool no_create = false;  // mode=ro or mode=rw: a missing file is not created
    bool memory = false;     // :memory:, mode=memory: refused, it keeps nothing
};

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

// Only this thread uses SQLite (a helper thread only hashes files), so its mutexes and
// allocation statistics are pure overhead: one lock per malloc. Must precede first use.
void configure_sqlite() {
    static const bool configured = [] {
        // Fails only after SQLite was initialized, when the defaults stay: harmless.
        (void)sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
        (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)configured;
}

// Extended result codes, the lock timeout, and foreign keys off: migrations that rebuild tables
// must not fire cascades (the foreign-key guard checks before each commit instead).
void first_settings(const SqliteTarget& target) {
    sqlite3* db = target.handle.get();
    const auto fail = [&](const char* doing) {
        throw DatabaseError(
            "cannot open database " + target.shown + ": " + doing + ": " + sqlite_message(db),
            sqlite_code_name(sqlite3_extended_errcode(db)));
    };
    if (sqlite3_extended_result_codes(db, 1) != SQLITE_OK) {
        fail("enabling extended result codes");
    }
    if (sqlite3_busy_timeout(db, target.lock_timeout_ms) != SQLITE_OK) {
        fail("setting the lock timeout");
    }
    if (sqlite3_exec(db, "PRAGMA foreign_keys = OFF", nullptr, nullptr, nullptr) != SQLITE_OK) {
        fail("turning foreign keys off");
    }
}

std::unique_ptr<Connection> open_file(const SqliteLocation& where, const std::string& shown,
                                      OpenMode mode, const OpenOptions& options) {
    const std::string& path = where.path;
    if (mode == OpenMode::kReadWrite && where.read_only) {
        throw Error("database " + shown +
                    " is opened read-only (mode=ro), and this command writes; drop mode=ro");
    }
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        throw Error("database " + shown + " is a directory, not an SQLite file");
    }
    if (!exists && mode == OpenMode::kReadWrite && (!options.create || where.no_create)) {
        throw Error("no database at " + shown + ", and " +
                    (where.no_create ? std::string("mode=rw")
                                     : std::string("--no-create (or 'create = false')")) +
                    " forbids creating one; check the path, --db or DATABASE_URL");
    }
    if (!exists && mode == OpenMode::kReadOnly) {
        SqliteTarget target;  // no handle: reads as empty
        target.path = path;
        target.shown = shown;
        target.version_table = options.version_table;
        target.lock_timeout_ms = options.lock_timeout_ms;
        return make_sqlite_connection(std::move(target));
    }
    // Every runner that writes holds this lock for as long as it has the database open: one
    // writer at a time, for whole commands, so a non-transactional migration (which commits
    // statement by statement) is never interleaved with another runner's work.
    std::unique_ptr<DatabaseFileLock> lock;
    if (mode == OpenMode::kReadWrite) {
        lock = std::make_unique<DatabaseFileLock>(path, shown, DatabaseFileLock::Kind::kExclusive,
                                                  true, options.lock_timeout_ms);
    }
    configure_sqlite();
    // A run killed mid-migration leaves a "hot" rollback journal. Only a read-write connection
    // can roll it back (restoring the last committed state), so even read-only commands open
    // read-write then; they still never create the file or write anything themselves.
    struct stat journal {};
    const bool hot_journal =
        ::stat((path + "-journal").c_str(), &journal) == 0 && journal.st_size > 0;
    int flags = SQLITE_OPEN_NOMUTEX;
    if (mode == OpenMode::kReadWrite) {
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    } else {
        flags |= hot_journal && !where.read_only ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    }
    std::string name = path;
    if (!where.query.empty()) {
        // A URI filename carries the parameters; the path is escaped so it reads back as is.
        name = "file:";
        for (const char c : path) {
            if (c == '%' || c == '?' || c == '#') {
                static constexpr char kHex[] = "0123456789ABCDEF";
                name += '%';
                name += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
                name += kHex[static_cast<unsigned char>(c) & 0xf];
            } else {
                name += c;
            }
        }
        name += "?" + where.query;
        flags |= SQLITE_OPEN_URI;
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    SqliteHandle db(raw);  // owns the handle even when opening failed
    if (rc != SQLITE_OK) {
        const std::string why = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
        throw DatabaseError("cannot open database " + shown + ": " + why,
                            sqlite_code_name(db ? sqlite3_extended_errcode(db.get()) : rc));
    }
    SqliteTarget target;
    target.handle = std::move(db);
    target.path = path;
    target.shown = shown;
    target.version_table = options.version_table;
    target.lock_timeout_ms = options.lock_timeout_ms;
    target.lock = std::move(lock);
    first_settings(target);
    return make_sqlite_connection(std::move(target));
}

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& url, const std::string& shown,
                                        OpenMode mode, const OpenOptions& options) {
    if (!options.schema.empty() || !options.version_table_schema.empty()) {
        throw Error("database '" + shown +
                    "' is SQLite, which has no schemas: drop --schema, 'schema =' and "
                    "'version_table_schema =' (they are for PostgreSQL)");
    }
    if (options.lock_strategy == LockStrategy::kTable) {
        throw Error("database '" + shown +
                    "' is SQLite, which locks its file itself: drop 'lock_strategy = table' and "
                    "--lock-strategy table (they are for PostgreSQL)");
    }
    SqliteLocation where;
    const auto scheme_end = url.find("://");
    if (url.rfind("file:", 0) == 0) {
        where = parse_file_uri(url, {}, shown);
    } else if (scheme_end == std::string::npos) {
        where.path = url;
        where.memory = url == ":memory:";
    } else {
        const std::string scheme = lower_ascii(url.substr(0, scheme_end));
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
    return open_file(where, shown, mode, options);
}

std::unique_ptr<Connection> open_sqlite_scratch(const std::string& version_table) {
    configure_sqlite();
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    SqliteHandle handle(raw);  // owns the handle even when opening failed
    if (rc != SQLITE_OK) {
        throw DatabaseError(
            "cannot open a scratch database in memory: " +
                std::string(handle ? sqlite3_errmsg(handle.get()) : sqlite3_errstr(rc)),
            sqlite_code_name(rc));
    }
    SqliteTarget target;
    target.handle = std::move(handle);
    target.shown = "a scratch database in memory";
    target.version_table = version_table;
    first_settings(target);
    return make_sqlite_connection(std::move(target));
}

}  // namespace runner
