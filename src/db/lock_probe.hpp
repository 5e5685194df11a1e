// Who holds the lock an SQLite database file is waiting for: the POSIX record locks SQLite's
// unix VFS takes, as the kernel reports them (F_GETLK). Diagnostics only.
#pragma once

#include <string>

namespace runner {

class LockProbe {
  public:
    LockProbe() = default;
    LockProbe(const LockProbe&) = delete;
    LockProbe& operator=(const LockProbe&) = delete;
    // Closing a descriptor drops every POSIX lock this process holds on the file, so the probe
    // keeps its descriptors open until it is destroyed: destroy it after the SQLite connection.
    ~LockProbe();

    // ", held by process 1234 (sqlite3 app.db)" for the process that holds the write lock (or,
    // failing that, a read lock) on the database at `db_path`; "" when the kernel cannot tell.
    std::string holder(const std::string& db_path);

  private:
    int db_fd_ = -1;
    int shm_fd_ = -1;
};

}  // namespace runner

namespace runner {

// ", held by process 1234 (runner upgrade head)" for another process holding a flock() on the
// file at `path` (/proc/locks); "" when none is found.
std::string flock_holder(const std::string& path);

// The one wording of a lock timeout: "DB: DOING: timed out after N s waiting for a lock
// (SQLITE_BUSY), held by ...; ..., or allow longer with --lock-timeout SECONDS".
std::string lock_timeout_message(const std::string& shown, const std::string& doing, int timeout_ms,
                                 const std::string& holder);

}  // namespace runner
