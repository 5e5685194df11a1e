// Backups (issue 10): unique names without a race, bounded time under steady foreign writes,
// --lock-timeout honoured, and nothing under the backup's name until the copy is complete.
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <set>
#include <stdexcept>
#include <thread>

#include "support.hpp"

namespace runner::integration {
namespace {

using Clock = std::chrono::steady_clock;

// "DB.backup-YYYYmmdd-HHMMSS" for `t` seconds from now, as runner names backups.
std::string backup_name(const std::string& db, int seconds_from_now) {
    const std::time_t t = std::time(nullptr) + seconds_from_now;
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return db + ".backup-" + buf;
}

std::string integrity(const std::string& db) {
    const auto rows = query_column(db, "PRAGMA integrity_check");
    return rows.empty() ? "" : rows.front();
}

// A database of several thousand pages, more than one backup step of the old code copies.
void write_big_database(const Project& p) {
    p.write_chain({"r1"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    exec_sql(p.db(),
             "CREATE TABLE big (b); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
             "n WHERE i < 40000) INSERT INTO big SELECT randomblob(1000) FROM n;");
}

BOOST_AUTO_TEST_SUITE(backups)

BOOST_AUTO_TEST_CASE(a_backup_name_already_taken_gets_a_suffix_instead_of_failing) {
    Project p;
    p.write_chain({"r1"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    // Whatever second the backup starts in, its plain name is taken.
    for (int s = 0; s < 4; ++s) {
        write_file(backup_name(p.db(), s), "someone else's file\n");
    }
    const RunResult r = p.run({"backup"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, ".backup-"), r);
    BOOST_TEST(contains(r.out, "-2\n"), r);
    const std::string made = r.out.substr(0, r.out.size() - 1);
    BOOST_TEST(integrity(made) == "ok");
    BOOST_TEST(query_column(made, "SELECT revision FROM runner_version") ==
               std::vector<std::string>{"r1"});

    write_migration(p.dir(), "0002_r2", "r2", {"r1"}, "SELECT 1;", "SELECT 1;");
    const RunResult up = p.run({"upgrade", "head", "--backup", "--format", "json"});
    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(contains(up.out, "\"backup\":\"" + p.db() + ".backup-"), up);
}

BOOST_AUTO_TEST_CASE(concurrent_backups_all_succeed_under_distinct_names) {
    Project p;
    p.write_chain({"r1"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    StartGate gate;
    std::vector<std::unique_ptr<ChildProcess>> children;
    for (int i = 0; i < 4; ++i) {
        ProcessOptions options =
            runner_options({"--db", p.db(), "--dir", p.dir(), "backup"}, p.root());
        options.gate = &gate;
        children.push_back(std::make_unique<ChildProcess>(options));
    }
    gate.open();
    std::set<std::string> names;
    for (auto& child : children) {
        const RunResult r = child->wait();
        BOOST_TEST(r.exit_code == 0, r);
        names.insert(r.out);
    }
    BOOST_TEST(names.size() == 4u);
}

BOOST_AUTO_TEST_CASE(backup_finishes_while_another_process_commits_every_few_milliseconds) {
    Project p;
    write_big_database(p);
    std::atomic<bool> stop{false};
    std::atomic<int> commits{0};
    std::thread writer([&] {
        sqlite3* db = nullptr;
        sqlite3_open(p.db().c_str(), &db);
        sqlite3_busy_timeout(db, 10'000);
        while (!stop) {
            if (sqlite3_exec(db, "INSERT INTO t_r1 VALUES (1)", nullptr, nullptr, nullptr) ==
                SQLITE_OK) {
                ++commits;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        sqlite3_close(db);
    });
    ProcessOptions options = runner_options(
        {"--db", p.db(), "--dir", p.dir(), "backup", "--to", p.path("copy.db")}, p.root());
    options.timeout = std::chrono::seconds(20);
    const auto start = Clock::now();
    const RunResult r = run_process(options);
    const auto took = Clock::now() - start;
    stop = true;
    writer.join();
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST((took < std::chrono::seconds(15)));
    BOOST_TEST(commits.load() > 0);
    BOOST_TEST(integrity(p.path("copy.db")) == "ok");
    BOOST_TEST(query_column(p.path("copy.db"), "SELECT count(*) FROM big") ==
               std::vector<std::string>{"40000"});
}

BOOST_AUTO_TEST_CASE(backup_waits_for_a_lock_no_longer_than_lock_timeout) {
    Project p;
    p.write_chain({"r1"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    const LockHolder holder(p.db(), "BEGIN EXCLUSIVE;");
    ProcessOptions options = runner_options({"--db", p.db(), "--dir", p.dir(), "--lock-timeout",
                                             "1", "backup", "--to", p.path("copy.db")},
                                            p.root());
    options.timeout = std::chrono::seconds(15);
    const auto start = Clock::now();
    const RunResult r = run_process(options);
    BOOST_TEST(r.exit_code == 6, r);
    BOOST_TEST((Clock::now() - start < std::chrono::seconds(10)));
    BOOST_TEST(contains(r.err, "--lock-timeout"), r);
    BOOST_TEST(!file_exists(p.path("copy.db")));
}

BOOST_AUTO_TEST_CASE(an_interrupted_backup_leaves_no_file_under_the_backup_name) {
    Project p;
    p.write_chain({"r1"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    {
        // Killed while it waits for the source.
        const LockHolder holder(p.db(), "BEGIN EXCLUSIVE;");
        ChildProcess child(runner_options({"--db", p.db(), "--dir", p.dir(), "--lock-timeout", "20",
                                           "backup", "--to", p.path("copy.db")},
                                          p.root()));
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        child.kill_hard();
        child.wait();
        BOOST_TEST(!file_exists(p.path("copy.db")));
    }
    // Killed at moments through a longer copy: the name is either absent or a complete copy.
    write_big_database(p);
    for (int delay_ms : {5, 20, 40, 80, 120, 200}) {
        const std::string to = p.path("copy" + std::to_string(delay_ms) + ".db");
        ChildProcess child(
            runner_options({"--db", p.db(), "--dir", p.dir(), "backup", "--to", to}, p.root()));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        child.kill_hard();
        child.wait();
        if (file_exists(to)) {
            BOOST_TEST(integrity(to) == "ok", to);
            BOOST_TEST(query_column(to, "SELECT count(*) FROM big") ==
                       std::vector<std::string>{"40000"});
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
