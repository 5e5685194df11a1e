// Backups of an SQLite database: one consistent copy under a name that never existed before.
#include "db/sqlite/backup.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "db/lock_probe.hpp"
#include "util/error.hpp"

namespace runner {
namespace {

struct ConnectionCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct BackupFinisher {
    void operator()(sqlite3_backup* b) const noexcept { sqlite3_backup_finish(b); }
};

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// The temporary file: hidden, beside the backup (same file system, so it can be renamed).
// Removed on destruction unless released.
class TempFile {
  public:
    explicit TempFile(const std::string& near) {
        const auto slash = near.rfind('/');
        const std::string dir = slash == std::string::npos ? "" : near.substr(0, slash + 1);
        const std::string base = slash == std::string::npos ? near : near.substr(slash + 1);
        const std::string pattern = dir + "." + base + ".tmp-XXXXXX";
        std::vector<char> name(pattern.begin(), pattern.end());
        name.push_back('\0');
        const int fd = ::mkstemp(name.data());
        if (fd < 0) {
            throw Error("cannot create a temporary file beside the backup " + near + ": " +
                        std::strerror(errno));
        }
        ::close(fd);
        path_ = name.data();
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (!path_.empty()) {
            ::unlink(path_.c_str());
        }
    }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

// Ends the source's read transaction however the backup ends.
struct ReadTransaction {
    sqlite3* db;
    ~ReadTransaction() {
        if (!sqlite3_get_autocommit(db)) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }
};

void sync_file(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    const int rc = ::fsync(fd);
    const int why = errno;
    ::close(fd);
    if (rc != 0 && why != EINVAL) {  // directories on some file systems cannot be synced
        throw Error("cannot sync " + path + ": " + std::strerror(why));
    }
}

// Gives `temp` the name `name` unless that exists: true when it now has it.
bool link_exclusively(const std::string& temp, const std::string& name) {
    if (::link(temp.c_str(), name.c_str()) == 0) {
        return true;
    }
    if (errno == EEXIST) {
        return false;
    }
    if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOSYS &&
        errno != EMLINK) {
        throw Error("cannot name the backup " + name + ": " + std::strerror(errno));
    }
    // No hard links here: claim the name with an exclusive create, then replace that file.
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST) {
            return false;
        }
        throw Error("cannot name the backup " + name + ": " + std::strerror(errno));
    }
    ::close(fd);
    if (::rename(temp.c_str(), name.c_str()) != 0) {
        const int why = errno;
        ::unlink(name.c_str());
        throw Error("cannot name the backup " + name + ": " + std::strerror(why));
    }
    return true;
}

}  // namespace

std::string sqlite_backup(const BackupSource& source, const std::string& path, bool unique) {
    struct stat st {};
    if (!unique && ::stat(path.c_str(), &st) == 0) {
        throw Error("backup file " + path + " already exists; not overwriting it");
    }
    // A read transaction first: it waits for writers up to --lock-timeout, and while it lasts
    // nothing can commit to the source, so the copy below is one consistent step.
    ReadTransaction read{source.db};
    const int begin = sqlite3_exec(source.db, "BEGIN; SELECT count(*) FROM sqlite_master;", nullptr,
                                   nullptr, nullptr);
    if (begin != SQLITE_OK) {
        if ((sqlite3_extended_errcode(source.db) & 0xff) == SQLITE_BUSY) {
            throw LockTimeoutError(lock_timeout_message(
                source.shown, "backing up to " + path, source.lock_timeout_ms,
                source.probe != nullptr ? source.probe->holder(source.path) : ""));
        }
        throw Error("cannot back up " + source.shown + ": " + sqlite3_errmsg(source.db));
    }
    TempFile temp(path);
    {
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(temp.path().c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
        std::unique_ptr<sqlite3, ConnectionCloser> dest(raw);
        if (rc != SQLITE_OK) {
            throw Error("cannot create backup file " + temp.path() + ": " +
                        (dest ? sqlite3_errmsg(dest.get()) : sqlite3_errstr(rc)));
        }
        std::unique_ptr<sqlite3_backup, BackupFinisher> backup(
            sqlite3_backup_init(dest.get(), "main", source.db, "main"));
        if (!backup) {
            throw Error("cannot back up " + source.shown + " to " + path + ": " +
                        sqlite3_errmsg(dest.get()));
        }
        const int step_rc = sqlite3_backup_step(backup.get(), -1);  // all pages at once
        backup.reset();
        if (step_rc != SQLITE_DONE) {
            throw Error("backing up " + source.shown + " to " + path +
                        " failed: " + sqlite3_errstr(step_rc));
        }
        const int finish_rc = sqlite3_errcode(dest.get());
        if (finish_rc != SQLITE_OK) {
            throw Error("backing up " + source.shown + " to " + path +
                        " failed: " + sqlite3_errmsg(dest.get()));
        }
    }
    sync_file(temp.path(), O_RDONLY);
    std::string name = path;
    for (int n = 2; !link_exclusively(temp.path(), name); ++n) {
        if (!unique) {
            throw Error("backup file " + path + " already exists; not overwriting it");
        }
        if (n > 1000) {
            throw Error("cannot find a free name for the backup beside " + path);
        }
        name = path + "-" + std::to_string(n);
    }
    sync_file(directory_of(name), O_RDONLY | O_DIRECTORY);
    return name;
}

}  // namespace runner
