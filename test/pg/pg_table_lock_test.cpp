// lock_strategy = table on PostgreSQL, through the built binary: runner's lock as a row with an
// owner and a lease (no advisory lock, no session state: PgBouncer in transaction mode). Any
// number of runners apply each migration exactly once; a stale lease of a dead owner is taken
// over; a live one makes a runner wait and exit 6 naming the owner; the lease is renewed while a
// migration runs longer than it.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::ChildProcess;
using integration::contains;
using integration::runner_options;
using integration::StartGate;
using integration::write_file;
using integration::write_migration;

namespace {

// runner.ini in the project folder (where runner runs): lock_strategy = table, and `extra`.
void table_strategy(const PgProject& p, const std::string& extra = {}) {
    write_file(p.path("runner.ini"), "lock_strategy = table\n" + extra);
}

// A lock row written by hand, as another runner (or a dead one) leaves it.
void hand_lock_row(const PgProject& p, const std::string& host, const std::string& pid,
                   const std::string& expires) {
    p.exec(
        "CREATE TABLE IF NOT EXISTS runner_version_lock (id integer PRIMARY KEY CHECK (id = 1), "
        "host text NOT NULL, pid integer NOT NULL, token text NOT NULL, acquired_at timestamptz "
        "NOT NULL, expires_at timestamptz NOT NULL)");
    p.exec("INSERT INTO runner_version_lock VALUES (1, '" + host + "', " + pid +
           ", 'someone-elses-token', now() - interval '1 hour', " + expires + ")");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_table_lock)

BOOST_AUTO_TEST_CASE(eight_concurrent_runners_with_a_lock_row_apply_each_migration_exactly_once) {
    PgProject p;
    table_strategy(p);
    check_eight_runners_apply_each_migration_once(p);
    // Released at the end: no row left behind.
    BOOST_TEST(p.value("SELECT count(*) FROM runner_version_lock") == "0");
}

BOOST_AUTO_TEST_CASE(the_table_strategy_takes_no_advisory_lock) {
    PgProject p;
    write_migration(p.dir(), "0001_a1", "a1", {},
                    "CREATE TABLE seen AS SELECT count(*) AS advisory FROM pg_locks WHERE "
                    "locktype = 'advisory';\n",
                    "DROP TABLE seen;\n");
    const auto r = p.run({"--lock-strategy", "table", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.value("SELECT advisory FROM seen") == "0");
    BOOST_TEST(p.applied() == std::vector<std::string>{"a1"});
}

BOOST_AUTO_TEST_CASE(a_stale_lease_of_a_dead_owner_is_taken_over_and_the_run_finishes) {
    PgProject p;
    table_strategy(p);
    p.write_chain({"a1", "b2"});
    hand_lock_row(p, "gone-host", "999999", "now() - interval '1 minute'");
    const auto r = p.run({"--lock-timeout", "5", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.applied() == (std::vector<std::string>{"a1", "b2"}));
    BOOST_TEST(p.value("SELECT count(*) FROM runner_version_lock") == "0");
}

BOOST_AUTO_TEST_CASE(a_live_lease_of_another_owner_makes_a_runner_wait_and_exit_6_naming_it) {
    PgProject p;
    table_strategy(p);
    p.write_chain({"a1"});
    hand_lock_row(p, "build-7", "4242", "now() + interval '1 hour'");
    const auto started = std::chrono::steady_clock::now();
    const auto r = p.run({"--lock-timeout", "1", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 6, r);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    BOOST_TEST(waited.count() >= 900);
    BOOST_TEST(contains(r.err, "timed out after 1000 ms"), r);
    BOOST_TEST(contains(r.err, "runner_version_lock (owner: host build-7, pid 4242, lease until"),
               r);
    BOOST_TEST(contains(r.err, "--lock-timeout"), r);
    BOOST_TEST(p.value("SELECT to_regclass('t_a1') IS NULL") == "t");
    // The other owner's row is left as it was.
    BOOST_TEST(p.value("SELECT host || ':' || pid FROM runner_version_lock") == "build-7:4242");
}

BOOST_AUTO_TEST_CASE(the_lease_is_renewed_while_a_migration_runs_longer_than_it) {
    PgProject p;
    table_strategy(p, "lock_lease = 1s\n");
    p.exec("CREATE TABLE applied_log (rev text NOT NULL)");
    write_migration(p.dir(), "0001_slow", "slow", {},
                    "INSERT INTO applied_log VALUES ('slow');\nSELECT pg_sleep(3);\n",
                    "DELETE FROM applied_log;\n");
    auto options = runner_options({"--db", p.url(), "--dir", p.dir(), "upgrade", "head"}, p.root());
    ChildProcess holder(options);
    for (int i = 0; i < 100 && p.value("SELECT to_regclass('runner_version_lock') IS NULL") == "t";
         ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (int i = 0; i < 100 && p.value("SELECT count(*) FROM runner_version_lock") == "0"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Waits through three lease lengths without taking the live lease over.
    const auto waiter = p.run({"--lock-timeout", "20", "upgrade", "head"});
    const auto first = holder.wait();
    BOOST_TEST(first.exit_code == 0, first);
    BOOST_TEST(waiter.exit_code == 0, waiter);
    BOOST_TEST(contains(waiter.err, "skipped: another run already did it"), waiter);
    BOOST_TEST(p.value("SELECT count(*) FROM applied_log") == "1");
    BOOST_TEST(p.applied() == std::vector<std::string>{"slow"});
}

BOOST_AUTO_TEST_CASE(a_bad_lock_strategy_is_refused_with_one_line) {
    PgProject p;
    p.write_chain({"a1"});
    auto r = p.run({"--lock-strategy", "row", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(contains(r.err,
                        "--lock-strategy takes 'advisory' (the default) or 'table', not "
                        "'row'"),
               r);
    write_file(p.path("runner.ini"), "lock_lease = 10ms\n");
    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "lock_lease takes a duration from 1s to 24h"), r);
    BOOST_TEST(p.applied().empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
