// The lock every runner takes on the database file itself; see file_lock.hpp.
#include "db/file_lock.hpp"

#include "db/lock_probe.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "db/lock_probe.hpp"
#include "util/error.hpp"

namespace runner {
namespace {

// Whether `fd` is the file that `path` names now.
bool still_named(int fd, const std::string& path) {
    struct stat held {};
    struct stat named {};
    return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 &&
           held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

}  // namespace

DatabaseFileLock::DatabaseFileLock(const std::string& path, const std::string& shown, Kind kind,
                                   bool create, int timeout_ms)
    : path_(path), exclusive_(kind == Kind::kExclusive) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));
    const int operation = (exclusive_ ? LOCK_EX : LOCK_SH) | LOCK_NB;
    while (true) {
        created_ = false;
        fd_ = -1;
        if (create) {
            // O_EXCL: only the runner that really creates the file may ever remove it.
            fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            created_ = fd_ >= 0;
            if (fd_ < 0 && errno != EEXIST) {
                // SQLite's words for it, as when SQLite itself tried.
                throw Error("cannot open database " + shown + ": unable to open database file (" +
                            std::strerror(errno) + ")");
            }
        }
        if (fd_ < 0) {
            fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
            if (fd_ < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
                fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // flock needs no write access
            }
        }
        if (fd_ < 0) {
            const int error = errno;
            struct stat link {};
            if (error == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
                char target[4096] = {};
                const auto n = ::readlink(path.c_str(), target, sizeof target - 1);
                throw Error("database " + shown + " is a symbolic link to " +
                            (n > 0 ? std::string(target, static_cast<std::size_t>(n))
                                   : std::string("a file")) +
                            ", which does not exist; create that file or point at another one");
            }
            if (error == ENOENT && create) {
                continue;  // removed between the two opens: create it now
            }
            throw Error("cannot open database " + shown + ": " + std::strerror(error));
        }
        bool locked = false;
        while (!(locked = ::flock(fd_, operation) == 0) && errno == EWOULDBLOCK &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (!locked) {
            const int error = errno;
            ::close(fd_);
            fd_ = -1;
            if (error == EWOULDBLOCK) {
                throw LockTimeoutError("timed out after " + std::to_string(timeout_ms / 1000) +
                                       " s waiting for another runner that is writing to " + shown +
                                       flock_holder(path) +
                                       " (raise --lock-timeout to wait longer)");
            }
            throw Error("cannot lock database " + shown + ": " + std::strerror(error));
        }
        if (still_named(fd_, path)) {
            return;
        }
        // The runner that created the file removed it again (its first migration failed)
        // while this one waited: lock what the path names now.
        ::close(fd_);
        fd_ = -1;
        if (!create) {
            struct stat st {};
            if (::stat(path.c_str(), &st) != 0) {
                return;  // gone: nothing to wait for
            }
        }
    }
}

DatabaseFileLock::~DatabaseFileLock() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void DatabaseFileLock::remove_file() noexcept {
    if (fd_ >= 0 && exclusive_ && created_ && still_named(fd_, path_)) {
        ::unlink(path_.c_str());
    }
}

}  // namespace runner
