// A temporary project on the throwaway cluster: migrations in sql/, a fresh database of its own,
// and the built runner run against it with --db URL; reading the database through libpq.
#pragma once

#include <string>
#include <vector>

#include "support.hpp"

namespace runner::pgtest {

class PgProject {
  public:
    PgProject();

    const std::string& database() const { return database_; }
    std::string url() const;
    std::string root() const { return tmp_.path(); }
    std::string dir() const { return tmp_ / "sql"; }
    std::string path(const std::string& relative) const { return tmp_ / relative; }

    // runner --db URL --dir sql ARGS, in the project folder.
    integration::RunResult run(const std::vector<std::string>& args,
                               const integration::EnvOverrides& env = {}) const;
    // A linear chain r1 <- r2 <- ..., each creating table t_<rev> (dropping it on the way down).
    void write_chain(const std::vector<std::string>& revs) const;

    // The first column of every row of `sql` ("NULL" for NULL).
    std::vector<std::string> column(const std::string& sql) const;
    // The first value `sql` returns ("NULL" for NULL or no row).
    std::string value(const std::string& sql) const;
    // Runs statements on the database.
    void exec(const std::string& sql) const;
    // The revisions runner_version (in `schema`, default public) records, sorted.
    std::vector<std::string> applied(const std::string& schema = "public") const;
    // Tables of `schema`, sorted.
    std::vector<std::string> tables(const std::string& schema = "public") const;
    // Everything a test could see changed: every relation, column, constraint, index, type,
    // schema and function of the database, and the row counts of every table, one line each.
    std::string fingerprint() const;

  private:
    integration::TempDir tmp_;
    std::string database_;
};

// Writes 12 migrations that are not idempotent (each records its revision in applied_log and
// adds a column), starts 8 `upgrade head` runners at once (--lock-timeout 60) and checks, with
// Boost.Test, that all succeed and each migration ran exactly once: applied_log, runner_version
// and the audit log each hold it once.
void check_eight_runners_apply_each_migration_once(const PgProject& p);

}  // namespace runner::pgtest
