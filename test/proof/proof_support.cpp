// Helpers the proof tests add to the integration support: runner processes started together and
// killed at will, read-write queries that recover a crashed database, whole-tree snapshots, and
// the repetition scale and random seed.
#include "proof_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>

#include <boost/filesystem.hpp>

extern char** environ;

namespace runner::proof {
namespace {

namespace fs = boost::filesystem;

[[noreturn]] void fail_errno(const std::string& doing) {
    throw std::runtime_error(doing + ": " + std::strerror(errno));
}

struct ConnectionCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};

int open_output(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fail_errno("open " + path);
    }
    return fd;
}

std::string read_or_empty(const std::string& path) {
    return integration::file_exists(path) ? integration::file_bytes(path) : std::string();
}

}  // namespace

int scale() {
    const char* text = std::getenv("RUNNER_PROOF_SCALE");
    if (text == nullptr || *text == '\0') {
        return 1;
    }
    const int n = std::atoi(text);
    return n < 1 ? 1 : n;
}

std::uint64_t seed() {
    static const std::uint64_t value = [] {
        const char* text = std::getenv("RUNNER_PROOF_SEED");
        if (text != nullptr && *text != '\0') {
            return static_cast<std::uint64_t>(std::strtoull(text, nullptr, 10));
        }
        std::random_device device;
        return (static_cast<std::uint64_t>(device()) << 32) ^ device();
    }();
    return value;
}

ScopedEnv::ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) {
        saved_ = old;
    }
    if (value != nullptr) {
        ::setenv(name_.c_str(), value, 1);
    } else {
        ::unsetenv(name_.c_str());
    }
}

ScopedEnv::~ScopedEnv() {
    if (saved_) {
        ::setenv(name_.c_str(), saved_->c_str(), 1);
    } else {
        ::unsetenv(name_.c_str());
    }
}

std::string ram_tmpdir() {
    struct stat st {};
    if (::stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && ::access("/dev/shm", W_OK) == 0) {
        return "/dev/shm";
    }
    return "";
}

StartGate::StartGate() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        fail_errno("pipe");
    }
    read_fd_ = fds[0];
    write_fd_ = fds[1];
}

StartGate::~StartGate() {
    open();
    ::close(read_fd_);
}

void StartGate::open() {
    if (write_fd_ >= 0) {
        ::close(write_fd_);
        write_fd_ = -1;
    }
}

RunnerProcess::RunnerProcess(const std::vector<std::string>& args, const std::string& cwd,
                             const std::string& output_prefix, const EnvOverrides& env,
                             const StartGate* gate)
    : out_path_(output_prefix + ".out"), err_path_(output_prefix + ".err") {
    // Everything the child needs is built before fork: after it, only async-signal-safe calls.
    std::vector<std::string> argv_storage{RUNNER_BINARY};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);

    EnvOverrides changes = env;
    changes.try_emplace("DATABASE_URL", std::nullopt);
    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        if (changes.count(entry.substr(0, entry.find('='))) == 0) {
            env_storage.push_back(entry);
        }
    }
    for (const auto& [name, value] : changes) {
        if (value) {
            env_storage.push_back(name + "=" + *value);
        }
    }
    std::vector<char*> envp;
    for (auto& e : env_storage) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);

    const int out_fd = open_output(out_path_);
    const int err_fd = open_output(err_path_);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int gate_fd = gate != nullptr ? gate->wait_fd() : -1;
    const int gate_open_fd = gate != nullptr ? gate->open_fd() : -1;

    pid_ = ::fork();
    if (pid_ == 0) {
        if (gate_fd >= 0) {
            // EOF arrives once no process holds the write end: the child drops its inherited
            // copy first, so only the parent's, closed by StartGate::open(), is left.
            if (gate_open_fd >= 0) {
                ::close(gate_open_fd);
            }
            char byte;
            ssize_t n;
            while ((n = ::read(gate_fd, &byte, 1)) != 0) {
                if (n < 0 && errno != EINTR) {
                    ::_exit(125);
                }
            }
        }
        if (::chdir(cwd.c_str()) != 0 || ::dup2(null_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 ||
            ::dup2(err_fd, 2) < 0) {
            ::_exit(126);
        }
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    const int fork_errno = errno;
    ::close(out_fd);
    ::close(err_fd);
    ::close(null_fd);
    if (pid_ < 0) {
        errno = fork_errno;
        fail_errno("fork");
    }
}

RunnerProcess::~RunnerProcess() {
    if (pid_ > 0 && !reaped_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
}

void RunnerProcess::kill_hard() {
    if (pid_ > 0 && !reaped_) {
        ::kill(pid_, SIGKILL);
    }
}

RunResult RunnerProcess::wait(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reaped_) {
        const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
        if (done == pid_) {
            reaped_ = true;
        } else if (done < 0 && errno != EINTR) {
            fail_errno("waitpid");
        } else if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGKILL);  // hung: the exit code then says so
            while (::waitpid(pid_, &status_, 0) < 0) {
                if (errno != EINTR) {
                    fail_errno("waitpid");
                }
            }
            reaped_ = true;
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }
    RunResult result;
    if (WIFEXITED(status_)) {
        result.exit_code = WEXITSTATUS(status_);
    } else if (WIFSIGNALED(status_)) {
        result.exit_code = 128 + WTERMSIG(status_);
    }
    result.out = read_or_empty(out_path_);
    result.err = read_or_empty(err_path_);
    return result;
}

std::vector<std::string> query_rw(const std::string& db_path, const std::string& sql) {
    if (!integration::file_exists(db_path)) {
        throw std::runtime_error("no database file " + db_path);
    }
    sqlite3* raw_db = nullptr;
    const int open_rc = sqlite3_open_v2(db_path.c_str(), &raw_db, SQLITE_OPEN_READWRITE, nullptr);
    const std::unique_ptr<sqlite3, ConnectionCloser> db(raw_db);
    if (open_rc != SQLITE_OK) {
        throw std::runtime_error("cannot open " + db_path + ": " +
                                 (db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(open_rc)));
    }
    sqlite3_stmt* raw_stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw_stmt, nullptr);
    const std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt(raw_stmt);
    if (rc != SQLITE_OK) {
        throw std::runtime_error("preparing '" + sql + "' on " + db_path + ": " +
                                 sqlite3_errmsg(db.get()));
    }
    std::vector<std::string> rows;
    int step_rc;
    while ((step_rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt.get(), 0);
        rows.emplace_back(text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
    }
    if (step_rc != SQLITE_DONE) {
        throw std::runtime_error("running '" + sql + "' on " + db_path + ": " +
                                 sqlite3_errmsg(db.get()));
    }
    return rows;
}

bool copy_file_if_exists(const std::string& from, const std::string& to) {
    if (!integration::file_exists(from)) {
        return false;
    }
    integration::write_file(to, integration::file_bytes(from));
    return true;
}

std::map<std::string, std::string> tree_snapshot(const std::string& root) {
    std::map<std::string, std::string> snapshot;
    for (fs::recursive_directory_iterator it(root), end; it != end; ++it) {
        const fs::path& path = it->path();
        const std::string name = path.lexically_relative(root).string();
        const fs::file_status st = fs::symlink_status(path);
        if (fs::is_symlink(st)) {
            snapshot[name] = "<symlink> " + fs::read_symlink(path).string();
        } else if (fs::is_directory(st)) {
            snapshot[name] = "<dir>";
        } else {
            std::ifstream in(path.string(), std::ios::binary);
            if (in) {
                snapshot[name] = integration::file_bytes(path.string());
            } else {
                snapshot[name] = "<unreadable> " + std::to_string(fs::file_size(path));
            }
        }
    }
    return snapshot;
}

std::string tree_difference(const std::map<std::string, std::string>& before,
                            const std::map<std::string, std::string>& after) {
    std::string text;
    for (const auto& [name, content] : before) {
        const auto it = after.find(name);
        if (it == after.end()) {
            text += "removed: " + name + "\n";
        } else if (it->second != content) {
            text += "changed: " + name + "\n";
        }
    }
    for (const auto& entry : after) {
        if (before.count(entry.first) == 0) {
            text += "created: " + entry.first + "\n";
        }
    }
    return text;
}

}  // namespace runner::proof
