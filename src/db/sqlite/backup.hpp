// Backups of an SQLite database: one consistent copy under a name that never existed before.
#pragma once

#include <string>

struct sqlite3;

namespace runner {

class LockProbe;

struct BackupSource {
    sqlite3* db;          // the open source connection
    std::string path;     // its file
    std::string shown;    // how messages name it
    int lock_timeout_ms;  // its busy timeout (--lock-timeout)
    LockProbe* probe;     // to say who holds the lock when the wait times out
};

// Copies the database to a temporary file beside `path` in one step under a read transaction
// (so foreign writes cannot restart it: it ends in bounded time), syncs it, then gives it the
// name `path`, or with `unique` the first free one of path, path-2, path-3, ..., atomically and
// never over an existing file. An interrupted backup leaves nothing under that name. Returns
// the name used. Throws LockTimeoutError when the read lock is not granted in time.
std::string sqlite_backup(const BackupSource& source, const std::string& path, bool unique);

}  // namespace runner
