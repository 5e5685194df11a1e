// Who holds the lock an SQLite database file is waiting for (F_GETLK on SQLite's lock bytes).
#include "db/lock_probe.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "util/text.hpp"

namespace runner {
namespace {

// SQLite's unix VFS lock bytes (os_unix.c, the file format's "lock-byte page").
constexpr off_t kPendingByte = 0x40000000;
constexpr off_t kReservedByte = kPendingByte + 1;
constexpr off_t kSharedFirst = kPendingByte + 2;
constexpr off_t kSharedSize = 510;
constexpr off_t kWalWriteLock = 120;  // in the -shm file: UNIX_SHM_BASE + WAL_WRITE_LOCK

// The process holding a lock that conflicts with a write lock on [start, start + len), or 0.
pid_t conflicting_pid(int fd, off_t start, off_t len) {
    if (fd < 0) {
        return 0;
    }
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = start;
    probe.l_len = len;
    if (fcntl(fd, F_GETLK, &probe) != 0 || probe.l_type == F_UNLCK || probe.l_pid <= 0) {
        return 0;
    }
    return probe.l_pid;
}

// "1234 (sqlite3 app.db)": the command line, when /proc shows it.
std::string describe_process(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!cmdline.empty() && cmdline.back() == '\0') {
        cmdline.pop_back();
    }
    for (auto& c : cmdline) {
        c = c == '\0' ? ' ' : c;
    }
    std::string text = "process " + std::to_string(pid);
    if (!cmdline.empty()) {
        text += " (" + printable(cmdline, 100) + ")";
    }
    return text;
}

}  // namespace

LockProbe::~LockProbe() {
    if (db_fd_ >= 0) {
        ::close(db_fd_);
    }
    if (shm_fd_ >= 0) {
        ::close(shm_fd_);
    }
}

std::string LockProbe::holder(const std::string& db_path) {
    if (db_fd_ < 0) {
        db_fd_ = ::open(db_path.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (shm_fd_ < 0) {
        shm_fd_ = ::open((db_path + "-shm").c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (const pid_t writer = conflicting_pid(db_fd_, kReservedByte, 1); writer != 0) {
        return ", held by " + describe_process(writer);
    }
    if (const pid_t writer = conflicting_pid(shm_fd_, kWalWriteLock, 1); writer != 0) {
        return ", held by " + describe_process(writer);
    }
    if (const pid_t pending = conflicting_pid(db_fd_, kPendingByte, 1); pending != 0) {
        return ", held by " + describe_process(pending);
    }
    if (const pid_t reader = conflicting_pid(db_fd_, kSharedFirst, kSharedSize); reader != 0) {
        return ", held by " + describe_process(reader) + ", which is reading it";
    }
    return "";
}

}  // namespace runner

namespace runner {

std::string flock_holder(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return "";
    }
    char want[64];
    std::snprintf(want, sizeof want, "%02x:%02x:%lu", major(st.st_dev), minor(st.st_dev),
                  static_cast<unsigned long>(st.st_ino));
    // "1: FLOCK  ADVISORY  WRITE 1234 fe:00:10954413 0 EOF" (waiters have "->" after the id).
    std::ifstream in("/proc/locks");
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string id, type, advisory, mode, pid, file;
        fields >> id >> type >> advisory >> mode >> pid >> file;
        if (type == "FLOCK" && file == want) {
            const pid_t holder = static_cast<pid_t>(std::atol(pid.c_str()));
            if (holder > 0 && holder != ::getpid()) {
                return ", held by " + describe_process(holder);
            }
        }
    }
    return "";
}

std::string lock_timeout_message(const std::string& shown, const std::string& doing, int timeout_ms,
                                 const std::string& holder) {
    const int seconds = (timeout_ms + 999) / 1000;
    return shown + ": " + doing + ": timed out after " + std::to_string(seconds) +
           " s waiting for a lock on the database (SQLITE_BUSY)" +
           (holder.empty() ? ", held by another connection" : holder) +
           "; nothing was changed by this step. Run again when it is free, or wait longer with "
           "--lock-timeout SECONDS (now " +
           std::to_string(seconds) + ")";
}

}  // namespace runner
