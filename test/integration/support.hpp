// Helpers for the integration tests: temporary folders, files, running the runner binary, and
// looking inside SQLite files without changing them.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

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

// Runs RUNNER_BINARY with args in cwd, stdin from /dev/null, and returns its exit code, stdout
// and stderr. DATABASE_URL is removed from the child's environment unless env sets it. A child
// still running after 30 s is killed (exit code 128 + SIGKILL), so a hang fails the test.
RunResult run_runner(const std::vector<std::string>& args, const std::string& cwd,
                     const EnvOverrides& env = {});

// The first column of every row of sql, run on a read-only connection; NULL reads as "NULL".
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
