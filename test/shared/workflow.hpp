// The backend-neutral layer of the shared workflow cases: a test database (an SQLite file or a
// fresh database of pg_tests' throwaway PostgreSQL cluster) and a temporary project that runs the
// built runner against it. The cases (test/shared/*_test.cpp) are written once and compiled into
// both integration_tests and pg_tests; each binary links the one make_test_database() of its
// backend (sqlite_database.cpp or pg_database.cpp), so the same code runs on both.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support.hpp"

namespace runner::shared {

// One database the runner is pointed at, read by the test through the backend's own client.
class TestDatabase {
  public:
    virtual ~TestDatabase() = default;

    // "sqlite" or "postgresql".
    virtual std::string backend() const = 0;
    // What `--db` gets: a file path or a postgresql:// URL.
    virtual std::string url() const = 0;
    // The first column of every row of `sql` ("NULL" for NULL); nothing when the database does
    // not exist yet (an SQLite file not created).
    virtual std::vector<std::string> column(const std::string& sql) const = 0;
    // Runs statements on the database (creating an SQLite file). Throws on error.
    virtual void exec(const std::string& sql) const = 0;
    // The tables of the database (the main schema, public on PostgreSQL), sorted, runner's
    // bookkeeping tables included.
    virtual std::vector<std::string> tables() const = 0;
    // Runs an offline script (`runner ... --sql`) with the backend's own shell, stopping at the
    // first error: `sqlite3 -bail FILE` or `psql -f`.
    virtual integration::RunResult apply_script(const std::string& script,
                                                const std::string& cwd) const = 0;

    // The first value of `sql` ("NULL" for NULL or no row).
    std::string value(const std::string& sql) const;
    bool has_table(const std::string& name) const;
    // The revisions runner_version records, sorted; nothing without the table.
    std::vector<std::string> applied() const;
    // How each recorded revision got there ("a1 upgrade", "b2 stamp"), sorted.
    std::vector<std::string> applied_how() const;
    // The audit log's actions for `revision`, oldest first ("upgrade", "failed", ...).
    std::vector<std::string> log_actions(const std::string& revision) const;
    // Everything a user could see changed: whether the database exists, its schema (every table,
    // column, index, constraint, view, trigger, type...) and every row of every table, one line
    // each. The audit log's `failed` entries are left out: a failed command logs one by design
    // (checked on its own with log_actions()).
    std::string fingerprint() const;

  protected:
    // Whether the database exists (an SQLite file is created by the first upgrade).
    virtual bool exists() const = 0;
    // The schema as sorted lines.
    virtual std::vector<std::string> schema() const = 0;
    // Every row of `table` matching `where` (SQL, or empty for all), one line each, sorted.
    virtual std::vector<std::string> rows(const std::string& table,
                                          const std::string& where) const = 0;
};

// A fresh, empty database of this binary's backend; the project directory `root` may hold it.
std::unique_ptr<TestDatabase> make_test_database(const std::string& root);

// A temporary project: migrations in sql/, the test database, and the built runner run in the
// project folder with `--db URL --dir sql`.
class WorkflowProject {
  public:
    WorkflowProject();

    const TestDatabase& db() const { return *db_; }
    std::string root() const { return tmp_.path(); }
    std::string dir() const { return tmp_ / "sql"; }
    std::string path(const std::string& relative) const { return tmp_ / relative; }

    // runner --db URL --dir sql ARGS.
    integration::RunResult run(const std::vector<std::string>& args) const;
    // sql/STEM.up.sql and .down.sql with the usual header (see integration::write_migration).
    void migration(const std::string& stem, const std::string& rev,
                   const std::vector<std::string>& parents, const std::string& up,
                   const std::string& down, const std::vector<std::string>& extra = {}) const;
    // A linear chain r1 <- r2 <- ..., each creating table t_<rev> with a row (dropping it on the
    // way down), in files 0001_<rev>, 0002_<rev>, ...
    void write_chain(const std::vector<std::string>& revs) const;

  private:
    integration::TempDir tmp_;
    std::unique_ptr<TestDatabase> db_;
};

// The runner's "runner: error: " line of a run, or "" when there is none.
std::string error_line(const integration::RunResult& r);

}  // namespace runner::shared
