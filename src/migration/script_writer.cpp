// Creates and replaces files for `init`, `revision`, `merge` and `heads --refresh`.
#include "migration/script_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <boost/filesystem.hpp>

#include "util/error.hpp"

namespace runner {
namespace {

namespace fs = boost::filesystem;

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    // Closes now, so that a failing close (a full disk on NFS) is reported.
    int close() {
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }

  private:
    int fd_;
};

std::string errno_text() {
    return std::strerror(errno);
}

void write_all(int fd, const std::string& text, const std::string& path) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw Error("cannot write " + path + ": " + errno_text());
        }
        done += static_cast<std::size_t>(n);
    }
}

// Removes what a failed create_files made, newest first; a destructor never throws.
class Undo {
  public:
    Undo() = default;
    Undo(const Undo&) = delete;
    Undo& operator=(const Undo&) = delete;
    ~Undo() {
        if (done_) {
            return;
        }
        for (auto it = files_.rbegin(); it != files_.rend(); ++it) {
            ::unlink(it->c_str());
        }
        for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
            ::rmdir(it->c_str());
        }
    }
    void created_file(const std::string& path) { files_.push_back(path); }
    void created_dir(const std::string& path) { dirs_.push_back(path); }
    void keep() { done_ = true; }

  private:
    std::vector<std::string> files_;
    std::vector<std::string> dirs_;
    bool done_ = false;
};

void make_parents(const fs::path& file, Undo& undo) {
    std::vector<fs::path> missing;
    for (fs::path dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
        struct stat st {};
        if (::stat(dir.c_str(), &st) == 0) {
            break;
        }
        missing.push_back(dir);
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0777) == 0) {
            undo.created_dir(it->string());
        } else if (errno != EEXIST) {
            throw Error("cannot create directory " + it->string() + ": " + errno_text() +
                        "; nothing was written");
        }
    }
}

}  // namespace

void create_files(const std::vector<NewFile>& files) {
    Undo undo;
    for (const auto& file : files) {
        make_parents(fs::path(file.path), undo);
        Fd fd(::open(file.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
        if (fd.get() < 0) {
            if (errno == EEXIST) {
                throw Error(file.path +
                            " already exists; runner never overwrites a file, so nothing was "
                            "written");
            }
            throw Error("cannot create " + file.path + ": " + errno_text() +
                        "; nothing was written");
        }
        undo.created_file(file.path);
        try {
            write_all(fd.get(), file.text, file.path);
        } catch (const Error& e) {
            throw Error(std::string(e.what()) + "; nothing was written");
        }
        if (fd.close() != 0) {
            throw Error("cannot write " + file.path + ": " + errno_text() +
                        "; nothing was written");
        }
    }
    undo.keep();
}

void replace_file(const std::string& path, const std::string& text) {
    const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (fd.get() < 0) {
        throw Error("cannot write " + path + ": creating " + temporary + ": " + errno_text());
    }
    try {
        write_all(fd.get(), text, temporary);
        if (fd.close() != 0) {
            throw Error("cannot write " + temporary + ": " + errno_text());
        }
        if (::rename(temporary.c_str(), path.c_str()) != 0) {
            throw Error("cannot replace " + path + ": " + errno_text());
        }
    } catch (...) {
        ::unlink(temporary.c_str());
        throw;
    }
}

bool is_nonempty_directory(const std::string& path) {
    boost::system::error_code ec;
    if (!fs::is_directory(path, ec)) {
        return false;
    }
    const fs::directory_iterator it(path, ec);
    if (ec) {
        throw Error("cannot list " + path + ": " + ec.message());
    }
    return it != fs::directory_iterator();
}

std::string random_revision_id() {
    Fd fd(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        throw Error("cannot open /dev/urandom for a revision id: " + errno_text() +
                    " (give one with --rev-id)");
    }
    unsigned char bytes[6];
    std::size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = ::read(fd.get(), bytes + got, sizeof bytes - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw Error("cannot read /dev/urandom for a revision id: " +
                        (n < 0 ? errno_text() : std::string("end of file")) +
                        " (give one with --rev-id)");
        }
        got += static_cast<std::size_t>(n);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id;
    for (const unsigned char b : bytes) {
        id += kHex[b >> 4];
        id += kHex[b & 0xf];
    }
    return id;
}

}  // namespace runner
