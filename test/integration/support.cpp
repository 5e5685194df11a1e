// Helpers for the integration tests: temporary folders, files, running the runner binary, and
// looking inside SQLite files without changing them.
#include "support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
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

#include <boost/filesystem.hpp>

extern char** environ;

namespace runner::integration {
namespace {

namespace fs = boost::filesystem;

constexpr auto kChildTimeout = std::chrono::seconds(30);

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
    void reset() noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = -1;
    }

  private:
    int fd_;
};

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

RunResult run_runner(const std::vector<std::string>& args, const std::string& cwd,
                     const EnvOverrides& env) {
    // Everything the child needs is built before fork: after it, only exec-safe calls.
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
        const std::string name = entry.substr(0, entry.find('='));
        if (changes.count(name) == 0) {
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

    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        fail_errno("pipe");
    }
    Fd out_read(out_pipe[0]);
    Fd out_write(out_pipe[1]);
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        fail_errno("pipe");
    }
    Fd err_read(err_pipe[0]);
    Fd err_write(err_pipe[1]);
    Fd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (null_in.get() < 0) {
        fail_errno("open /dev/null");
    }

    const pid_t pid = ::fork();
    if (pid < 0) {
        fail_errno("fork");
    }
    if (pid == 0) {
        if (::chdir(cwd.c_str()) != 0) {
            ::_exit(126);
        }
        if (::dup2(null_in.get(), 0) < 0 || ::dup2(out_write.get(), 1) < 0 ||
            ::dup2(err_write.get(), 2) < 0) {
            ::_exit(126);
        }
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    out_write.reset();
    err_write.reset();
    null_in.reset();

    RunResult result;
    const auto deadline = std::chrono::steady_clock::now() + kChildTimeout;
    bool killed = false;
    Fd* fds[2] = {&out_read, &err_read};
    std::string* sinks[2] = {&result.out, &result.err};
    while (out_read.get() >= 0 || err_read.get() >= 0) {
        pollfd pfds[2];
        for (int i = 0; i < 2; ++i) {
            pfds[i] = pollfd{fds[i]->get(), POLLIN, 0};  // a negative fd is ignored by poll
        }
        const long long left = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   deadline - std::chrono::steady_clock::now())
                                   .count();
        const int ready = ::poll(pfds, 2, killed ? -1 : static_cast<int>(std::max(0LL, left)));
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail_errno("poll");
        }
        if (ready == 0) {
            ::kill(pid, SIGKILL);  // hung: stop it; its pipes then close
            killed = true;
            continue;
        }
        for (int i = 0; i < 2; ++i) {
            if (pfds[i].fd < 0 || (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            char buf[8192];
            const ssize_t n = ::read(pfds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                fds[i]->reset();
            }
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fail_errno("waitpid");
        }
    }
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.exit_code = 128 + WTERMSIG(status);
    }
    return result;
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
