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
    check_eight_runners_apply_each_migration_once(p);
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
