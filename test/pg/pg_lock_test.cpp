// Locking on PostgreSQL through the built binary: any number of runners started at once apply
// each migration exactly once (runner's session advisory lock, taken by polling), and a runner
// that cannot get the lock within --lock-timeout exits 6.
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
using integration::write_migration;

BOOST_AUTO_TEST_SUITE(pg_lock)

BOOST_AUTO_TEST_CASE(eight_concurrent_runners_apply_each_migration_exactly_once) {
    PgProject p;
    p.exec("CREATE TABLE applied_log (rev text NOT NULL)");
    std::vector<std::string> parent;
    constexpr int kMigrations = 12;
    for (int i = 1; i <= kMigrations; ++i) {
        const std::string rev = "m" + std::to_string(100 + i);
        // Not idempotent: a second run of the same migration adds a second row (and the ALTER
        // fails outright).
        write_migration(p.dir(), std::to_string(1000 + i) + "_" + rev, rev, parent,
                        "INSERT INTO applied_log VALUES ('" + rev + "');\n" +
                            "ALTER TABLE applied_log ADD COLUMN c_" + rev + " integer;\n",
                        "ALTER TABLE applied_log DROP COLUMN c_" + rev + ";\n");
        parent = {rev};
    }
    StartGate gate;
    std::vector<std::unique_ptr<ChildProcess>> runners;
    for (int k = 0; k < 8; ++k) {
        auto options = runner_options(
            {"--db", p.url(), "--dir", p.dir(), "--lock-timeout", "60", "upgrade", "head"},
            p.root());
        options.gate = &gate;
        options.timeout = std::chrono::seconds(120);
        runners.push_back(std::make_unique<ChildProcess>(options));
    }
    gate.open();
    int ran_something = 0;
    for (auto& child : runners) {
        const auto r = child->wait();
        BOOST_TEST(r.exit_code == 0, r);
        if (contains(r.err, "Running upgrade")) {
            ++ran_something;
        }
    }
    BOOST_TEST(ran_something >= 1);
    BOOST_TEST(p.value("SELECT count(*) FROM applied_log") == std::to_string(kMigrations));
    BOOST_TEST(p.value("SELECT count(DISTINCT rev) FROM applied_log") ==
               std::to_string(kMigrations));
    BOOST_TEST(p.value("SELECT count(*) FROM runner_version") == std::to_string(kMigrations));
    BOOST_TEST(p.value("SELECT count(*) FROM runner_version_log WHERE action = 'upgrade'") ==
               std::to_string(kMigrations));
}

BOOST_AUTO_TEST_CASE(a_runner_that_cannot_get_the_lock_in_time_exits_6) {
    PgProject p;
    write_migration(p.dir(), "0001_slow", "slow", {}, "SELECT pg_sleep(4);\n", "SELECT 1;\n");
    auto options = runner_options({"--db", p.url(), "--dir", p.dir(), "upgrade", "head"}, p.root());
    ChildProcess holder(options);
    // Wait until the first runner holds the lock (its migration is sleeping).
    for (int i = 0; i < 100; ++i) {
        if (p.value("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") !=
            "0") {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const auto waiter = p.run({"--lock-timeout", "1", "upgrade", "head"});
    BOOST_TEST(waiter.exit_code == 6, waiter);
    BOOST_TEST(contains(waiter.err, "timed out"), waiter);
    BOOST_TEST(contains(waiter.err, "--lock-timeout"), waiter);
    const auto first = holder.wait();
    BOOST_TEST(first.exit_code == 0, first);
    BOOST_TEST(p.applied() == std::vector<std::string>{"slow"});
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
