// The lock every runner takes on the database file itself before it writes: one writing runner
// at a time, for the whole command, whatever its migrations do with SQLite's own locks.
#pragma once

#include <string>

namespace runner {

// An advisory flock() on the database file (independent of SQLite's fcntl byte-range locks on
// Linux, so the two never interfere). Exclusive for runners that write, shared for readers that
// want to wait until no runner is writing. Released when destroyed; that must happen after any
// SQLite connection of this process to the file is closed (closing a descriptor of a file drops
// the process's fcntl locks on it).
class DatabaseFileLock {
  public:
    enum class Kind { kShared, kExclusive };

    // Locks the file at `path` (shown to users as `shown`), waiting up to `timeout_ms` for other
    // runners. With `create`, a missing file is created first, exclusively, and created() says
    // so. After locking, checks the path still names the locked file (a runner that created it
    // may have removed it again) and starts over when not. Throws Error on timeout, when the
    // file cannot be opened, or when the path is a symbolic link to a missing file.
    DatabaseFileLock(const std::string& path, const std::string& shown, Kind kind, bool create,
                     int timeout_ms);
    DatabaseFileLock(const DatabaseFileLock&) = delete;
    DatabaseFileLock& operator=(const DatabaseFileLock&) = delete;
    ~DatabaseFileLock();

    // Whether this lock created the file.
    bool created() const { return created_; }
    // Removes the file, when this lock is exclusive and the path still names the locked file.
    // Only for a file this lock created and that holds nothing. Never throws.
    void remove_file() noexcept;

  private:
    std::string path_;
    int fd_ = -1;
    bool created_ = false;
    bool exclusive_ = false;
};

}  // namespace runner
