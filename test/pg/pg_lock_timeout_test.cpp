// Lock timeouts for DDL and retries on PostgreSQL, through the built binary: a migration blocked
// by another session's lock gives up after its lock_timeout, is tried again with backoff (each
// try one line on stderr) and succeeds once the lock is released; with the retries used up it
// fails with one clear error and the server as it was.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "db/postgres/pg_session.hpp"
#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::lines_of;
using integration::write_file;
using integration::write_migration;

namespace {

// Another session holding ACCESS EXCLUSIVE on `table` from construction until release() (or
// `hold` has passed, when given), on a thread of its own.
class LockHolder {
  public:
    LockHolder(const PgProject& p, const std::string& table,
               std::chrono::milliseconds hold = std::chrono::milliseconds(0))
        : session_(p.url(), "lock holder") {
        session_.exec("BEGIN; LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE", "locking");
        if (hold.count() > 0) {
            releaser_ = std::async(std::launch::async, [this, hold] {
                std::this_thread::sleep_for(hold);
                release();
            });
        }
    }
    LockHolder(const LockHolder&) = delete;
    LockHolder& operator=(const LockHolder&) = delete;
    ~LockHolder() {
        if (releaser_.valid()) {
            releaser_.wait();
        }
        release();
    }
    void release() {
        if (session_.in_transaction()) {
            session_.exec("COMMIT", "releasing the lock");
        }
    }

  private:
    PgSession session_;
    std::future<void> releaser_;
};

int count_lines(const std::string& text, const std::string& part) {
    int n = 0;
    for (const auto& line : lines_of(text)) {
        n += contains(line, part) ? 1 : 0;
    }
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_lock_timeout)

BOOST_AUTO_TEST_CASE(a_blocked_migration_times_out_retries_and_succeeds_when_the_lock_is_released) {
    PgProject p;
    p.exec("CREATE TABLE busy (x integer)");
    write_migration(p.dir(), "0001_add", "add", {}, "ALTER TABLE busy ADD COLUMN y integer;\n",
                    "ALTER TABLE busy DROP COLUMN y;\n", {"lock_timeout: 200ms"});
    LockHolder holder(p, "busy", std::chrono::milliseconds(1500));
    const auto r = p.run({"--retries", "10", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(count_lines(r.err,
                           "canceling statement due to lock timeout (SQLSTATE 55P03); "
                           "trying the migration again in") >= 1,
               r);
    BOOST_TEST(contains(r.err, "(retry 1 of 10)"), r);
    BOOST_TEST(contains(r.err, "sql/0001_add.up.sql:"), r);
    BOOST_TEST(p.applied() == std::vector<std::string>{"add"});
    BOOST_TEST(p.value("SELECT count(*) FROM information_schema.columns WHERE table_name = 'busy' "
                       "AND column_name = 'y'") == "1");
}

BOOST_AUTO_TEST_CASE(with_the_retries_used_up_it_fails_with_one_clear_error_and_changes_nothing) {
    PgProject p;
    p.exec("CREATE TABLE busy (x integer)");
    write_migration(p.dir(), "0001_add", "add", {},
                    "CREATE TABLE before_it (x integer);\nALTER TABLE busy ADD COLUMN y "
                    "integer;\n",
                    "DROP TABLE before_it;\n", {"lock_timeout: 100ms"});
    const auto before = p.fingerprint();
    {
        LockHolder holder(p, "busy");
        const auto r = p.run({"--retries", "2", "upgrade", "head"});
        BOOST_TEST(r.exit_code == 1, r);
        BOOST_TEST(count_lines(r.err, "trying the migration again in") == 2, r);
        BOOST_TEST(contains(r.err,
                            "sql/0001_add.up.sql:7: canceling statement due "
                            "to lock timeout (SQLSTATE 55P03); gave up after 3 tries"),
                   r);
        BOOST_TEST(count_lines(r.err, "runner: error:") == 1, r);
    }
    BOOST_TEST(p.fingerprint() == before);
}

BOOST_AUTO_TEST_CASE(the_config_files_lock_timeout_and_retries_apply_to_migrations_without_one) {
    PgProject p;
    p.exec("CREATE TABLE busy (x integer)");
    write_file(p.path("runner.ini"), "lock_timeout = 100ms\nretries = 1\n");
    write_migration(p.dir(), "0001_add", "add", {}, "ALTER TABLE busy ADD COLUMN y integer;\n",
                    "ALTER TABLE busy DROP COLUMN y;\n");
    LockHolder holder(p, "busy");
    const auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(count_lines(r.err, "trying the migration again in") == 1, r);
    BOOST_TEST(contains(r.err, "gave up after 2 tries"), r);
}

BOOST_AUTO_TEST_CASE(a_timeout_holds_for_its_own_migration_only) {
    PgProject p;
    p.exec("CREATE TABLE seen (rev text, lock_timeout text, statement_timeout text)");
    const std::string record =
        "INSERT INTO seen VALUES ('%', current_setting('lock_timeout'), "
        "current_setting('statement_timeout'));\n";
    const auto body = [&](const std::string& rev) {
        std::string sql = record;
        sql.replace(sql.find('%'), 1, rev);
        return sql;
    };
    write_file(p.path("runner.ini"), "statement_timeout = 1min\n");
    write_migration(p.dir(), "0001_a", "a", {}, body("a"), "SELECT 1;\n",
                    {"lock_timeout: 5s", "statement_timeout: 30s"});
    write_migration(p.dir(), "0002_b", "b", {"a"}, body("b"), "SELECT 1;\n");
    write_migration(p.dir(), "0003_c", "c", {"b"}, body("c"), "SELECT 1;\n",
                    {"transactional: false", "lock_timeout: 2s"});
    write_migration(p.dir(), "0004_d", "d", {"c"}, body("d"), "SELECT 1;\n");
    const auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.column("SELECT rev || ' ' || lock_timeout || ' ' || statement_timeout FROM seen "
                        "ORDER BY rev") ==
               (std::vector<std::string>{"a 5s 30s", "b 0 1min", "c 2s 1min", "d 0 1min"}));
}

BOOST_AUTO_TEST_CASE(a_non_transactional_migration_retries_only_the_blocked_statement) {
    PgProject p;
    p.exec("CREATE TABLE busy (x integer); CREATE TABLE counter (n integer)");
    write_migration(p.dir(), "0001_nt", "nt", {},
                    "INSERT INTO counter VALUES (1);\nALTER TABLE busy ADD COLUMN y integer;\n",
                    "SELECT 1;\n", {"transactional: false", "lock_timeout: 200ms"});
    LockHolder holder(p, "busy", std::chrono::milliseconds(1500));
    const auto r = p.run({"--retries", "10", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(count_lines(r.err, "trying the statement again in") >= 1, r);
    BOOST_TEST(p.value("SELECT count(*) FROM counter") == "1");  // statement 1 ran once
    BOOST_TEST(p.applied() == std::vector<std::string>{"nt"});
}

BOOST_AUTO_TEST_CASE(a_statement_timeout_is_retried_and_then_reported) {
    PgProject p;
    write_migration(p.dir(), "0001_slow", "slow", {}, "SELECT pg_sleep(2);\n", "SELECT 1;\n",
                    {"statement_timeout: 100ms"});
    const auto before = p.fingerprint();
    const auto r = p.run({"--retries", "1", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(count_lines(r.err, "trying the migration again in") == 1, r);
    BOOST_TEST(contains(r.err,
                        "canceling statement due to statement timeout (SQLSTATE 57014); "
                        "gave up after 2 tries"),
               r);
    BOOST_TEST(p.fingerprint() == before);
}

BOOST_AUTO_TEST_CASE(an_error_that_other_sessions_did_not_cause_is_not_retried) {
    PgProject p;
    write_migration(p.dir(), "0001_bad", "bad", {}, "SELECT * FROM missing_table;\n", "SELECT 1;\n",
                    {"lock_timeout: 100ms"});
    const auto r = p.run({"--retries", "5", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(!contains(r.err, "again in"), r);
    BOOST_TEST(!contains(r.err, "gave up"), r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
