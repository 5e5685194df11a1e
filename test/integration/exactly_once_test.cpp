// Runs started together apply a non-transactional migration once, and never delete a database
// file that another run is writing.
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// A read that takes about 100 ms: long enough for another run to get in between.
const std::string kSlowRead =
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 300000)\n"
    "SELECT count(*) FROM c;\n";

// Starts `count` runs of `args` in `p` that exec at the same moment, and waits for them all.
std::vector<RunResult> run_together(const Project& p, const std::vector<std::string>& args,
                                    int count) {
    std::vector<std::string> all{"--db", p.db(), "--dir", p.dir()};
    all.insert(all.end(), args.begin(), args.end());
    StartGate gate;
    std::vector<std::unique_ptr<ChildProcess>> children;
    for (int i = 0; i < count; ++i) {
        ProcessOptions options = runner_options(all, p.root());
        options.gate = &gate;
        children.push_back(std::make_unique<ChildProcess>(options));
    }
    gate.open();
    std::vector<RunResult> results;
    for (auto& child : children) {
        results.push_back(child->wait());
    }
    return results;
}

BOOST_AUTO_TEST_SUITE(exactly_once)

BOOST_AUTO_TEST_CASE(non_transactional_migration_runs_once_when_runs_start_together) {
    for (int round = 0; round < 4; ++round) {
        BOOST_TEST_CONTEXT("round " << round) {
            Project p;
            write_migration(p.dir(), "0001_events", "r1", {}, "CREATE TABLE events (x);\n",
                            "DROP TABLE events;\n");
            write_migration(p.dir(), "0002_fill", "r2", {"r1"},
                            "INSERT INTO events VALUES ('first');\n" + kSlowRead +
                                "INSERT INTO events VALUES ('second');\n",
                            "DELETE FROM events;\n", {"transactional: false"});
            BOOST_REQUIRE(p.run({"upgrade", "r1"}).exit_code == 0);

            for (const auto& r : run_together(p, {"upgrade", "head"}, 3)) {
                BOOST_TEST(r.exit_code == 0, r);
            }
            BOOST_TEST(query_column(p.db(), "SELECT x FROM events ORDER BY rowid") ==
                           (std::vector<std::string>{"first", "second"}),
                       boost::test_tools::per_element());
            BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version ORDER BY 1") ==
                           (std::vector<std::string>{"r1", "r2"}),
                       boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(transactional_downgrade_waits_for_a_running_non_transactional_upgrade) {
    Project p;
    write_migration(p.dir(), "0001_events", "r1", {}, "CREATE TABLE events (x);\n",
                    "DROP TABLE events;\n");
    write_migration(p.dir(), "0002_fill", "r2", {"r1"},
                    "INSERT INTO events VALUES ('first');\n" + kSlowRead + kSlowRead +
                        "INSERT INTO events VALUES ('second');\n",
                    "DELETE FROM events;\n", {"transactional: false"});
    BOOST_REQUIRE(p.run({"upgrade", "r1"}).exit_code == 0);

    ChildProcess upgrade(
        runner_options({"--db", p.db(), "--dir", p.dir(), "upgrade", "head"}, p.root()));
    // Let the upgrade start its migration, then try to revert what it builds on.
    const auto first_row_written = [&] {
        try {
            return query_column(p.db(), "SELECT count(*) FROM events") ==
                   std::vector<std::string>{"1"};
        } catch (const std::exception&) {
            return false;  // locked for a moment by the upgrade
        }
    };
    while (!first_row_written()) {
        usleep(2000);
    }
    const RunResult down = p.run({"downgrade", "base"});
    const RunResult up = upgrade.wait();

    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(down.exit_code == 0, down);
    BOOST_TEST(contains(down.err, "Running downgrade r2 -> r1"), down);
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM runner_version") ==
               std::vector<std::string>{"0"});
}

BOOST_AUTO_TEST_CASE(check_waits_for_a_running_non_transactional_migration_to_finish) {
    Project p;
    write_migration(p.dir(), "0001_events", "r1", {}, "CREATE TABLE events (x);\n",
                    "DROP TABLE events;\n");
    write_migration(p.dir(), "0002_fill", "r2", {"r1"},
                    "INSERT INTO events VALUES ('first');\n" + kSlowRead + kSlowRead +
                        "INSERT INTO events VALUES ('second');\n",
                    "DELETE FROM events;\n", {"transactional: false"});
    BOOST_REQUIRE(p.run({"upgrade", "r1"}).exit_code == 0);

    ChildProcess upgrade(
        runner_options({"--db", p.db(), "--dir", p.dir(), "upgrade", "head"}, p.root()));
    const auto first_row_written = [&] {
        try {
            return query_column(p.db(), "SELECT count(*) FROM events") ==
                   std::vector<std::string>{"1"};
        } catch (const std::exception&) {
            return false;
        }
    };
    while (!first_row_written()) {
        usleep(2000);
    }
    const RunResult check = p.run({"check"});
    const RunResult up = upgrade.wait();

    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(check.exit_code == 0, "check reports the finished migration, not a half-done one\n"
                                         << check);
}

// Without waiting (--lock-timeout 0) the loser gives up at once while the winner is in its
// first migration; it used to remove the file it believed it had created, under the winner.
BOOST_AUTO_TEST_CASE(a_run_that_gives_up_on_a_new_database_file_never_deletes_it) {
    for (int round = 0; round < 10; ++round) {
        BOOST_TEST_CONTEXT("round " << round) {
            Project p;
            write_migration(p.dir(), "0001_slow", "r1", {}, "CREATE TABLE t (x);\n" + kSlowRead,
                            "DROP TABLE t;\n");
            write_migration(p.dir(), "0002_more", "r2", {"r1"}, "CREATE TABLE u (x);\n",
                            "DROP TABLE u;\n");

            const auto results = run_together(p, {"--lock-timeout", "0", "upgrade", "head"}, 2);

            int succeeded = 0;
            for (const auto& r : results) {
                BOOST_TEST((r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 6), r);
                succeeded += r.exit_code == 0 ? 1 : 0;
            }
            BOOST_TEST(succeeded >= 1);
            BOOST_TEST_REQUIRE(file_exists(p.db()), "a run exited 0, and its database is gone");
            BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version ORDER BY 1") ==
                           (std::vector<std::string>{"r1", "r2"}),
                       boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_failed_first_migration_removes_only_the_file_it_created) {
    Project p;
    write_migration(p.dir(), "0001_bad", "r1", {}, "INSERT INTO nope VALUES (1);\n", "SELECT 1;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(!file_exists(p.db()), "the file this run created is removed again");
}

BOOST_AUTO_TEST_CASE(a_dangling_db_symlink_is_refused_and_left_alone) {
    Project p;
    write_migration(p.dir(), "0001_bad", "r1", {}, "INSERT INTO nope VALUES (1);\n", "SELECT 1;\n");
    const std::string link = p.path("link.db");
    BOOST_REQUIRE(symlink(p.path("target.db").c_str(), link.c_str()) == 0);

    const RunResult r = run_runner({"--db", link, "--dir", p.dir(), "upgrade", "head"}, p.root());

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "runner: error: "), r);
    char target[256] = {};
    BOOST_TEST(readlink(link.c_str(), target, sizeof target - 1) > 0, "the symlink is still there");
    BOOST_TEST(std::string(target) == p.path("target.db"));
    BOOST_TEST(!file_exists(p.path("target.db")), "no file created behind the link");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
