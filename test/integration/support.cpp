// Helpers for the integration tests: temporary folders, files, running child processes, and
// looking inside SQLite files without changing them.
#include "support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <boost/filesystem.hpp>

extern char** environ;

namespace runner::integration {
namespace {

namespace fs = boost::filesystem;

[[noreturn]] void fail_errno(const std::string& doing) {
    throw std::runtime_error(doing + ": " + std::strerror(errno));
}

// Closes a file descriptor once; -1 means none.
class Fd {
  public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() noexcept { return std::exchange(fd_, -1); }
    void reset() noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = -1;
    }

  private:
    int fd_;
};

// A child's stdin: an in-memory file holding input, or /dev/null without input.
int open_input(const std::optional<std::string>& input) {
    if (!input) {
        const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fail_errno("open /dev/null");
        }
        return fd;
    }
    Fd fd(::memfd_create("stdin", MFD_CLOEXEC));
    if (fd.get() < 0) {
        fail_errno("memfd_create");
    }
    for (std::string_view rest = *input; !rest.empty();) {
        const ssize_t n = ::write(fd.get(), rest.data(), rest.size());
        if (n < 0 && errno != EINTR) {
            fail_errno("writing a child's stdin");
        }
        rest.remove_prefix(n > 0 ? static_cast<std::size_t>(n) : 0);
    }
    if (::lseek(fd.get(), 0, SEEK_SET) != 0) {
        fail_errno("lseek");
    }
    return fd.release();
}

// Everything in a file from its start, whatever the offset of the descriptor.
std::string read_all(int fd) {
    std::string bytes;
    char buf[65536];
    while (true) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(bytes.size()));
        if (n > 0) {
            bytes.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0) {
            return bytes;
        } else if (errno != EINTR) {
            fail_errno("reading a child's output");
        }
    }
}

// A child's stdout or stderr: PREFIX + suffix when there is a prefix, else an in-memory file.
int open_output(const std::optional<std::string>& prefix, const char* suffix) {
    const int fd =
        prefix ? ::open((*prefix + suffix).c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
               : ::memfd_create(suffix + 1, MFD_CLOEXEC);
    if (fd < 0) {
        fail_errno(prefix ? "open " + *prefix + suffix : std::string("memfd_create"));
    }
    return fd;
}

struct ConnectionCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

Connection open_db(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Connection db(raw);
    if (rc != SQLITE_OK) {
        throw std::runtime_error("cannot open " + path + ": " +
                                 (db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc)));
    }
    return db;
}

}  // namespace

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/runner-it-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
        fail_errno("mkdtemp " + pattern);
    }
    path_ = buf.data();
}

TempDir::~TempDir() {
    boost::system::error_code ec;
    fs::remove_all(path_, ec);  // best effort: a destructor must not throw
}

std::string TempDir::operator/(std::string_view relative) const {
    return path_ + "/" + std::string(relative);
}

void write_file(const std::string& path, std::string_view text) {
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) {
        fs::create_directories(parent);
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

long long file_mtime_ns(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        fail_errno("stat " + path);
    }
    return static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
}

std::vector<std::string> list_dir(const std::string& path) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::ostream& operator<<(std::ostream& os, const RunResult& r) {
    return os << "exit code " << r.exit_code << "\n--- stdout ---\n"
              << r.out << "--- stderr ---\n"
              << r.err << "--------------";
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

ChildProcess::ChildProcess(const ProcessOptions& options)
    : program_(options.argv.at(0)), timeout_(options.timeout) {
    // Everything the child needs is built before fork: after it, only async-signal-safe calls.
    std::vector<std::string> argv_storage = options.argv;
    std::vector<char*> argv;
    for (auto& a : argv_storage) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);

    EnvOverrides changes = options.env;
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

    Fd in(open_input(options.input));
    Fd out(open_output(options.output_prefix, ".out"));
    Fd err(open_output(options.output_prefix, ".err"));
    int start_error[2];
    if (::pipe2(start_error, O_CLOEXEC) != 0) {
        fail_errno("pipe");
    }
    Fd start_error_read(start_error[0]);
    Fd start_error_write(start_error[1]);
    const int gate_fd = options.gate != nullptr ? options.gate->wait_fd() : -1;
    const int gate_open_fd = options.gate != nullptr ? options.gate->open_fd() : -1;
    const char* cwd = options.cwd.c_str();
    const bool search_path = options.search_path;

    pid_ = ::fork();
    if (pid_ < 0) {
        fail_errno("fork");
    }
    if (pid_ == 0) {
        // Tells the parent which step failed and why, then exits.
        const auto fail = [&](int step) {
            const int report[2] = {step, errno};
            [[maybe_unused]] const ssize_t n =
                ::write(start_error_write.get(), report, sizeof report);
            ::_exit(127);
        };
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
                    fail(0);
                }
            }
        }
        if (::chdir(cwd) != 0) {
            fail(1);
        }
        if (::dup2(in.get(), 0) < 0 || ::dup2(out.get(), 1) < 0 || ::dup2(err.get(), 2) < 0) {
            fail(2);
        }
        if (search_path) {
            ::execvpe(argv[0], argv.data(), envp.data());
        } else {
            ::execve(argv[0], argv.data(), envp.data());
        }
        fail(3);
    }
    // A descriptor that turns readable when the child exits (-1 before Linux 5.3: wait() then
    // polls waitpid).
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    out_fd_ = out.release();
    err_fd_ = err.release();
    start_error_fd_ = start_error_read.release();
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !reaped_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    for (const int fd : {pidfd_, out_fd_, err_fd_, start_error_fd_}) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

void ChildProcess::kill_hard() {
    if (pid_ > 0 && !reaped_) {
        ::kill(pid_, SIGKILL);
    }
}

RunResult ChildProcess::wait() {
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    while (!reaped_) {
        const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
        if (done == pid_) {
            reaped_ = true;
            break;
        }
        if (done < 0 && errno != EINTR) {
            fail_errno("waitpid");
        }
        const long long left = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   deadline - std::chrono::steady_clock::now())
                                   .count();
        if (left <= 0) {
            ::kill(pid_, SIGKILL);  // hung: the exit code then says so
            while (::waitpid(pid_, &status_, 0) < 0) {
                if (errno != EINTR) {
                    fail_errno("waitpid");
                }
            }
            reaped_ = true;
            break;
        }
        // The pidfd turns readable when the child exits; without one, look again in 2 ms.
        pollfd exited{pidfd_, POLLIN, 0};
        ::poll(&exited, pidfd_ >= 0 ? 1 : 0,
               static_cast<int>(pidfd_ >= 0 ? left : std::min(left, 2LL)));
    }

    // The child is gone, so the report pipe has no writer left: this read does not block.
    int report[2] = {0, 0};
    ssize_t n = -1;
    while (start_error_fd_ >= 0 && (n = ::read(start_error_fd_, report, sizeof report)) < 0 &&
           errno == EINTR) {
    }
    if (n == static_cast<ssize_t>(sizeof report)) {
        static const char* const kSteps[] = {"waiting for the start gate", "chdir", "dup2", "exec"};
        throw std::runtime_error("cannot run " + program_ + ": " + kSteps[report[0]] + ": " +
                                 std::strerror(report[1]));
    }

    RunResult result;
    if (WIFEXITED(status_)) {
        result.exit_code = WEXITSTATUS(status_);
    } else if (WIFSIGNALED(status_)) {
        result.exit_code = 128 + WTERMSIG(status_);
    }
    result.out = read_all(out_fd_);
    result.err = read_all(err_fd_);
    return result;
}

RunResult run_process(const ProcessOptions& options) {
    return ChildProcess(options).wait();
}

ProcessOptions runner_options(const std::vector<std::string>& args, const std::string& cwd,
                              const EnvOverrides& env) {
    ProcessOptions options;
    options.argv = {RUNNER_BINARY};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.cwd = cwd;
    options.env = env;
    return options;
}

RunResult run_runner(const std::vector<std::string>& args, const std::string& cwd,
                     const EnvOverrides& env) {
    return run_process(runner_options(args, cwd, env));
}

LockHolder::LockHolder(const std::string& path, const char* begin) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK ||
        sqlite3_exec(db_, begin, nullptr, nullptr, nullptr) != SQLITE_OK) {
        const std::string message = sqlite3_errmsg(db_);
        sqlite3_close(db_);
        throw std::runtime_error("cannot lock " + path + ": " + message);
    }
}

LockHolder::~LockHolder() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
}

std::vector<std::string> query_column(const std::string& db_path, const std::string& sql) {
    if (!file_exists(db_path)) {
        throw std::runtime_error("no database file " + db_path);
    }
    const Connection db = open_db(db_path, SQLITE_OPEN_READONLY);
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw, nullptr);
    const Statement stmt(raw);
    if (rc != SQLITE_OK) {
        throw std::runtime_error("preparing '" + sql + "': " + sqlite3_errmsg(db.get()));
    }
    std::vector<std::string> rows;
    int step_rc;
    while ((step_rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt.get(), 0);
        rows.emplace_back(text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
    }
    if (step_rc != SQLITE_DONE) {
        throw std::runtime_error("running '" + sql + "': " + sqlite3_errmsg(db.get()));
    }
    return rows;
}

void exec_sql(const std::string& db_path, const std::string& sql) {
    const Connection db = open_db(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    char* raw_error = nullptr;
    const int rc = sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &raw_error);
    const std::unique_ptr<char, decltype(&sqlite3_free)> error(raw_error, &sqlite3_free);
    if (rc != SQLITE_OK) {
        throw std::runtime_error("running '" + sql +
                                 "': " + (error ? error.get() : sqlite3_errstr(rc)));
    }
}

std::vector<std::string> schema_dump(const std::string& db_path) {
    return query_column(db_path,
                        "SELECT type || '|' || name || '|' || COALESCE(sql, 'NULL') "
                        "FROM sqlite_master ORDER BY type, name, sql");
}

std::vector<std::string> table_columns(const std::string& db_path, const std::string& table) {
    return query_column(db_path,
                        "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid");
}

std::vector<std::string> table_names(const std::string& db_path) {
    return query_column(db_path,
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                        "'sqlite\\_%' ESCAPE '\\' ORDER BY name");
}

std::string migration_header(const std::string& stem, const std::string& rev,
                             const std::vector<std::string>& down_revs,
                             const std::vector<std::string>& extra_headers) {
    std::string down;
    for (const auto& d : down_revs) {
        down += (down.empty() ? "" : ", ") + d;
    }
    std::string text = "-- revision: " + rev +
                       "\n-- down_revision:" + (down.empty() ? "" : " " + down) +
                       "\n-- message: " + stem + "\n";
    for (const auto& h : extra_headers) {
        text += "-- " + h + "\n";
    }
    return text + "\n";
}

void write_migration(const std::string& dir, const std::string& stem, const std::string& rev,
                     const std::vector<std::string>& down_revs, const std::string& up_sql,
                     const std::string& down_sql, const std::vector<std::string>& extra_headers) {
    const std::string header = migration_header(stem, rev, down_revs, extra_headers);
    write_file(dir + "/" + stem + ".up.sql", header + up_sql);
    write_file(dir + "/" + stem + ".down.sql", header + down_sql);
}

RunResult Project::run(const std::vector<std::string>& args, const EnvOverrides& env) const {
    std::vector<std::string> all{"--db", db(), "--dir", dir()};
    all.insert(all.end(), args.begin(), args.end());
    return run_runner(all, root(), env);
}

void Project::write_chain(const std::vector<std::string>& revs) const {
    std::vector<std::string> parent;
    for (std::size_t i = 0; i < revs.size(); ++i) {
        char number[32];
        std::snprintf(number, sizeof number, "%04zu", i + 1);
        const std::string& rev = revs[i];
        write_migration(dir(), std::string(number) + "_" + rev, rev, parent,
                        "CREATE TABLE t_" + rev + " (x);\n", "DROP TABLE t_" + rev + ";\n");
        parent = {rev};
    }
}

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        lines.emplace_back(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    }
    return lines;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool contains(std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
}

std::string without_timings(std::string_view text) {
    static const std::regex kDuration(R"(\(\d+ ms\))");
    return std::regex_replace(std::string(text), kDuration, "(N ms)");
}

int line_of(std::string_view text, std::string_view part) {
    const auto at = text.find(part);
    if (at == std::string_view::npos) {
        return 0;
    }
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

std::string example_sql_dir() {
    return std::string(RUNNER_SOURCE_DIR) + "/sql";
}

}  // namespace runner::integration
