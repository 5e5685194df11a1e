// Helpers for the integration tests: temporary folders, files, running child processes, and
// looking inside SQLite files without changing them.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace runner::integration {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    // path() / relative.
    std::string operator/(std::string_view relative) const;

  private:
    std::string path_;
};

// Writes text to path byte for byte, creating missing parent directories. Throws on failure.
void write_file(const std::string& path, std::string_view text);
// The whole file as bytes; throws when it cannot be read.
std::string file_bytes(const std::string& path);
bool file_exists(const std::string& path);
// Modification time in nanoseconds since the epoch; throws when the file is missing.
long long file_mtime_ns(const std::string& path);
// Lists the names in a directory, sorted.
std::vector<std::string> list_dir(const std::string& path);

struct RunResult {
    int exit_code = -1;  // 128 + N when killed by signal N
    std::string out;
    std::string err;
};
// Prints the whole result, for failure messages.
std::ostream& operator<<(std::ostream& os, const RunResult& r);

// Environment changes for a child: a value sets the variable, nullopt removes it.
using EnvOverrides = std::map<std::string, std::optional<std::string>>;

// Children hold the read end of a pipe and wait for EOF before they exec, so closing the write
// end starts all of them at the same moment.
class StartGate {
  public:
    StartGate();
    ~StartGate();
    StartGate(const StartGate&) = delete;
    StartGate& operator=(const StartGate&) = delete;

    int wait_fd() const { return read_fd_; }
    int open_fd() const { return write_fd_; }  // -1 once open
    // Lets every child through; only the first call does anything.
    void open();

  private:
    int read_fd_ = -1;
    int write_fd_ = -1;
};

// How to start a child process: the one place the tests fork and exec.
struct ProcessOptions {
    // argv[0] is the program: a path, or with search_path a name looked up in PATH.
    std::vector<std::string> argv;
    bool search_path = false;
    std::string cwd;
    // Changes to this process's environment. DATABASE_URL is removed unless env sets it.
    EnvOverrides env;
    // The child's stdin: these bytes, or /dev/null when unset.
    std::optional<std::string> input;
    // stdout and stderr go to PREFIX.out and PREFIX.err when set, else to anonymous in-memory
    // files. Files, not pipes: a child never blocks on output that nobody reads yet.
    std::optional<std::string> output_prefix;
    // With a gate, the child waits until the gate opens before it execs.
    const StartGate* gate = nullptr;
    // wait() kills a child still running this long after the call (exit code 128 + SIGKILL).
    std::chrono::seconds timeout = std::chrono::seconds(30);
};

// A started child process.
class ChildProcess {
  public:
    explicit ChildProcess(const ProcessOptions& options);
    ~ChildProcess();  // kills and reaps a child that is still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    void kill_hard();  // SIGKILL; harmless when the child already exited
    // Waits for the child (killing it after the timeout) and returns its exit code and output.
    // Throws when the program could not be started (not found, cwd missing, ...).
    RunResult wait();

  private:
    std::string program_;
    std::chrono::seconds timeout_;
    pid_t pid_ = -1;
    int pidfd_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    int start_error_fd_ = -1;  // the child writes why it could not exec; EOF when it did
    bool reaped_ = false;
    int status_ = 0;
};

// Starts a child and waits for it: ChildProcess(options).wait().
RunResult run_process(const ProcessOptions& options);

// The options that run RUNNER_BINARY with args in cwd (stdin from /dev/null).
ProcessOptions runner_options(const std::vector<std::string>& args, const std::string& cwd,
                              const EnvOverrides& env = {});

// Runs RUNNER_BINARY with args in cwd, stdin from /dev/null, and returns its exit code, stdout
// and stderr. DATABASE_URL is removed from the child's environment unless env sets it. A child
// still running after 30 s is killed (exit code 128 + SIGKILL), so a hang fails the test.
RunResult run_runner(const std::vector<std::string>& args, const std::string& cwd,
                     const EnvOverrides& env = {});

// The first column of every row of sql, run on a read-only connection; NULL reads as "NULL".
// A connection of this test process that holds a lock on the database until destroyed;
// `begin` is the statement that takes it ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE").
class LockHolder {
  public:
    LockHolder(const std::string& path, const char* begin);
    ~LockHolder();
    LockHolder(const LockHolder&) = delete;
    LockHolder& operator=(const LockHolder&) = delete;

  private:
    ::sqlite3* db_ = nullptr;
};

std::vector<std::string> query_column(const std::string& db_path, const std::string& sql);
// Runs sql (any number of statements) on a read-write connection. Throws on error.
void exec_sql(const std::string& db_path, const std::string& sql);
// Every schema object as "type|name|sql", sorted: equal dumps mean equal schemas.
std::vector<std::string> schema_dump(const std::string& db_path);
// Column names of a table in declaration order.
std::vector<std::string> table_columns(const std::string& db_path, const std::string& table);
// Names of the tables, sorted, without sqlite_ internals.
std::vector<std::string> table_names(const std::string& db_path);

// Writes DIR/STEM.up.sql and DIR/STEM.down.sql, each as
//   -- revision: REV
//   -- down_revision: A, B
//   -- message: STEM
//   -- <extra header line>...
//   <blank line>
//   SQL
void write_migration(const std::string& dir, const std::string& stem, const std::string& rev,
                     const std::vector<std::string>& down_revs, const std::string& up_sql,
                     const std::string& down_sql,
                     const std::vector<std::string>& extra_headers = {});

// The header text write_migration puts above the SQL (ends with the blank line).
std::string migration_header(const std::string& stem, const std::string& rev,
                             const std::vector<std::string>& down_revs,
                             const std::vector<std::string>& extra_headers = {});

// A temporary project: migrations in sql/, the database at test.db (not created up front).
// run() passes --db and --dir explicitly and runs in the project folder.
class Project {
  public:
    std::string root() const { return tmp_.path(); }
    std::string dir() const { return tmp_ / "sql"; }
    std::string db() const { return tmp_ / "test.db"; }
    std::string path(std::string_view relative) const { return tmp_ / relative; }

    RunResult run(const std::vector<std::string>& args, const EnvOverrides& env = {}) const;

    // A linear chain r1 <- r2 <- ... each creating table t_<rev> (and dropping it on the way
    // down), in files 0001_<rev> ... .
    void write_chain(const std::vector<std::string>& revs) const;

  private:
    TempDir tmp_;
};

// The lines of text, without their '\n'.
std::vector<std::string> lines_of(std::string_view text);
bool starts_with(std::string_view s, std::string_view prefix);
bool contains(std::string_view s, std::string_view part);
// Replaces every duration "(<digits> ms)" by "(N ms)" so progress lines can be compared exactly.
std::string without_timings(std::string_view text);
// The 1-based line of the first occurrence of part in text; 0 when absent.
int line_of(std::string_view text, std::string_view part);

// The source tree's example migrations.
std::string example_sql_dir();

}  // namespace runner::integration
