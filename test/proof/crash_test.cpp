// Proof that `kill -9` at any moment of `upgrade head` leaves a consistent database: every
// migration is all or nothing with its bookkeeping row, and the next `upgrade head` finishes the
// job. Runs in the default rollback-journal mode and in WAL mode. Kills during non-transactional
// migrations (also with SIGTERM and SIGINT) leave a record that `check`, `upgrade` and
// `--resume` act on, and no statement is ever applied twice.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "proof_support.hpp"

namespace runner::proof {
namespace {

using integration::contains;
using integration::exec_sql;
using integration::file_exists;
using integration::lines_of;
using integration::Project;
using integration::query_column;
using integration::run_runner;
using integration::TempDir;

constexpr int kMigrations = 120;
constexpr int kRowsPerTable = 302;  // 300 from a recursive insert, then 2 more
// Rollback-journal mode gets 50 kills: 20 where $TMPDIR is (usually a disk, where most of a run
// is fsync inside COMMIT) and 30 on a RAM file system (where most of it is statements running).
constexpr int kRollbackDiskIterations = 20;
constexpr int kRollbackRamIterations = 30;
constexpr int kWalIterations = 8;

std::string rev_of(int i) {
    char text[16];
    std::snprintf(text, sizeof text, "c%03d", i);
    return text;
}

// The earlier migrations whose tables migration i updates (every row, touched += 1).
std::vector<int> updated_by(int i) {
    std::vector<int> targets;
    if (i >= 3 && i % 3 == 0) {
        targets.push_back(i - 3);
    }
    if (i % 7 == 0 && i / 2 != i - 3 && i > 0) {
        targets.push_back(i / 2);
    }
    return targets;
}

// A linear chain c000 <- c001 <- ... : each up file creates t_<rev>, fills it in two
// statements, and updates one or two earlier tables.
void write_crash_project(const Project& p) {
    for (int i = 0; i < kMigrations; ++i) {
        const std::string rev = rev_of(i);
        const std::string table = "t_" + rev;
        std::string up =
            "CREATE TABLE " + table +
            " (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, touched INTEGER NOT NULL DEFAULT "
            "0);\n"
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 300)\n"
            "INSERT INTO " +
            table + " (id, payload) SELECT n, '" + rev +
            "-' || n || '-' || hex(zeroblob(40)) FROM c;\n"
            "INSERT INTO " +
            table + " (id, payload) VALUES (1001, 'last-a'), (1002, 'last-b');\n";
        for (const int j : updated_by(i)) {
            up += "UPDATE t_" + rev_of(j) + " SET touched = touched + 1;\n";
        }
        std::string down;
        for (const int j : updated_by(i)) {
            down += "UPDATE t_" + rev_of(j) + " SET touched = touched - 1;\n";
        }
        down += "DROP TABLE " + table + ";\n";
        char stem[32];
        std::snprintf(stem, sizeof stem, "%04d_%s", i + 1, rev.c_str());
        integration::write_migration(
            p.dir(), stem, rev,
            i == 0 ? std::vector<std::string>{} : std::vector<std::string>{rev_of(i - 1)}, up,
            down);
    }
}

// Checks, on a database nobody else uses, that the applied revisions and the migration tables
// tell the same story: the same set, a prefix of the chain, and every present table exactly as
// its migration (and the applied later ones) left it. Returns how many migrations are applied.
int check_all_or_nothing(const std::string& db) {
    BOOST_TEST(query_rw(db, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    const bool has_version_table =
        !query_rw(db, "SELECT name FROM sqlite_master WHERE name = 'runner_version'").empty();
    const std::vector<std::string> recorded =
        has_version_table ? query_rw(db, "SELECT revision FROM runner_version ORDER BY revision")
                          : std::vector<std::string>{};
    std::vector<std::string> tables;
    for (const auto& name : query_rw(db,
                                     "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                     "name LIKE 't\\_c%' ESCAPE '\\' ORDER BY name")) {
        tables.push_back(name.substr(2));
    }
    BOOST_TEST(recorded == tables, boost::test_tools::per_element());

    const int applied = static_cast<int>(recorded.size());
    std::vector<std::string> prefix;
    for (int i = 0; i < applied; ++i) {
        prefix.push_back(rev_of(i));
    }
    BOOST_TEST(recorded == prefix, boost::test_tools::per_element());

    if (!tables.empty()) {
        std::string sql;
        std::vector<std::string> expected;
        for (const auto& rev : tables) {
            const int j = std::stoi(rev.substr(1));
            int updates = 0;
            for (int i = 0; i < applied; ++i) {
                for (const int target : updated_by(i)) {
                    updates += target == j ? 1 : 0;
                }
            }
            sql += std::string(sql.empty() ? "" : " UNION ALL ") + "SELECT '" + rev +
                   "' || ' ' || count(*) || ' ' || coalesce(sum(touched), 0) || ' ' || "
                   "coalesce(sum(payload LIKE '" +
                   rev + "-%'), 0) FROM t_" + rev;
            expected.push_back(rev + " " + std::to_string(kRowsPerTable) + " " +
                               std::to_string(kRowsPerTable * updates) + " " +
                               std::to_string(kRowsPerTable - 2));
        }
        BOOST_TEST(query_rw(db, sql) == expected, boost::test_tools::per_element());
    }
    return applied;
}

// Copies the database and whatever journal or WAL file a killed run left next to it.
void snapshot_database(const std::string& db, const std::string& to) {
    copy_file_if_exists(db, to);
    copy_file_if_exists(db + "-journal", to + "-journal");
    copy_file_if_exists(db + "-wal", to + "-wal");
}

std::string first_error_line(const RunResult& r) {
    for (const auto& line : lines_of(r.err)) {
        if (integration::starts_with(line, "runner: error: ")) {
            return line;
        }
    }
    return "(no error line; exit code " + std::to_string(r.exit_code) + ")";
}

// Kills `upgrade head` at random moments and checks the database after each kill and after the
// next `upgrade head`. With wal, the database is put in WAL mode before the first run.
void kill_at_random_moments(bool wal, int iterations, std::uint64_t run_seed,
                            const std::string& tmpdir) {
    std::optional<ScopedEnv> use_tmpdir;
    if (!tmpdir.empty()) {
        use_tmpdir.emplace("TMPDIR", tmpdir.c_str());
    }
    Project p;
    TempDir scratch;
    use_tmpdir.reset();
    write_crash_project(p);
    const std::vector<std::string> upgrade{"--db", p.db(), "--dir", p.dir(), "upgrade", "head"};
    const auto fresh_database = [&] {
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
            std::remove((p.db() + suffix).c_str());
        }
        if (wal) {
            exec_sql(p.db(), "PRAGMA journal_mode = WAL");
            BOOST_REQUIRE(query_column(p.db(), "PRAGMA journal_mode") ==
                          std::vector<std::string>{"wal"});
        }
    };

    // How long a whole run takes here (the median of three): the kills land anywhere from its
    // start to its end.
    std::vector<long long> durations;
    for (int i = 0; i < 3; ++i) {
        fresh_database();
        const auto started = std::chrono::steady_clock::now();
        const RunResult full = run_runner(upgrade, p.root());
        durations.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count());
        BOOST_REQUIRE_MESSAGE(full.exit_code == 0, full);
        BOOST_REQUIRE_EQUAL(check_all_or_nothing(p.db()), kMigrations);
    }
    std::sort(durations.begin(), durations.end());
    const long long full_us = durations[1];
    BOOST_TEST_MESSAGE((wal ? "WAL" : "rollback journal")
                       << ": a full run of " << kMigrations << " migrations takes "
                       << full_us / 1000 << " ms in " << p.root() << "; seed " << run_seed);

    std::mt19937_64 rng(run_seed);
    std::uniform_int_distribution<long long> delay_us(0, full_us);
    std::vector<std::string> resume_failures;
    int killed_mid_run = 0;
    for (int iteration = 0; iteration < iterations; ++iteration) {
        const long long delay = delay_us(rng);
        BOOST_TEST_CONTEXT("seed " << run_seed << (wal ? " (WAL)" : " (rollback journal)")
                                   << ", iteration " << iteration << ", kill after " << delay
                                   << " us") {
            fresh_database();
            RunnerProcess run(upgrade, p.root(), scratch / ("run" + std::to_string(iteration)));
            std::this_thread::sleep_for(std::chrono::microseconds(delay));
            run.kill_hard();
            const RunResult killed = run.wait();
            BOOST_TEST((killed.exit_code == 0 || killed.exit_code == 128 + SIGKILL), killed);
            killed_mid_run += killed.exit_code == 128 + SIGKILL ? 1 : 0;

            // What any SQLite client finds: a copy, so the runner below meets the original
            // files exactly as the kill left them (hot journal or WAL included).
            if (file_exists(p.db())) {
                const std::string copy = scratch / "snapshot.db";
                for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
                    std::remove((copy + suffix).c_str());
                }
                snapshot_database(p.db(), copy);
                check_all_or_nothing(copy);
            }

            RunResult resumed = run_runner(upgrade, p.root());
            if (resumed.exit_code != 0) {
                resume_failures.push_back("iteration " + std::to_string(iteration) + ": " +
                                          first_error_line(resumed));
                // Let SQLite itself recover the file, then check the rest still holds.
                query_rw(p.db(), "SELECT count(*) FROM sqlite_master");
                resumed = run_runner(upgrade, p.root());
            }
            BOOST_TEST(resumed.exit_code == 0, resumed);
            BOOST_TEST(check_all_or_nothing(p.db()) == kMigrations);
        }
    }
    BOOST_TEST_MESSAGE(killed_mid_run << " of " << iterations
                                      << " runs were killed before the end");
    std::string examples;
    for (std::size_t i = 0; i < resume_failures.size() && i < 3; ++i) {
        examples += "\n    " + resume_failures[i];
    }
    // KNOWN BUG (rollback-journal mode): after a kill mid-migration, every command fails with
    // SQLITE_READONLY until some other SQLite client has opened the file read-write.
    BOOST_TEST(resume_failures.empty(), "the next `runner upgrade head` failed after "
                                            << resume_failures.size() << " of " << iterations
                                            << " kills (seed " << run_seed << "):" << examples);
}

// Non-transactional migrations: each of kNtMigrations tables is created, filled in two
// statements (no primary key, so a statement applied twice shows as extra rows) and used to
// update the previous table, statement by statement outside any transaction of runner's.
constexpr int kNtMigrations = 12;
constexpr int kNtRows = 2002;  // 2000 from a recursive insert, then 2 more
constexpr int kNtIterations = 30;

std::string nt_rev(int i) {
    char text[16];
    std::snprintf(text, sizeof text, "n%03d", i);
    return text;
}

void write_non_transactional_project(const Project& p) {
    for (int i = 0; i < kNtMigrations; ++i) {
        const std::string rev = nt_rev(i);
        const std::string table = "t_" + rev;
        std::string up = "CREATE TABLE " + table +
                         " (id INTEGER, payload TEXT NOT NULL, touched INTEGER NOT NULL "
                         "DEFAULT 0);\n"
                         "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE "
                         "n < 2000)\n"
                         "INSERT INTO " +
                         table + " (id, payload) SELECT n, hex(randomblob(60)) FROM c;\n" +
                         "INSERT INTO " + table +
                         " (id, payload) VALUES (3001, 'last-a'), (3002, 'last-b');\n";
        if (i > 0) {
            up += "UPDATE t_" + nt_rev(i - 1) + " SET touched = touched + 1;\n";
        }
        char stem[32];
        std::snprintf(stem, sizeof stem, "%04d_%s", i + 1, rev.c_str());
        integration::write_migration(
            p.dir(), stem, rev,
            i == 0 ? std::vector<std::string>{} : std::vector<std::string>{nt_rev(i - 1)}, up,
            "DROP TABLE " + table + ";\n", {"transactional: false"});
    }
}

// Every table has each row once and every update applied once; returns how many are applied.
int check_non_transactional_complete(const std::string& db) {
    BOOST_TEST(query_rw(db, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    std::string sql;
    std::vector<std::string> expected;
    for (int i = 0; i < kNtMigrations; ++i) {
        sql += std::string(sql.empty() ? "" : " UNION ALL ") +
               "SELECT count(*) || ' ' || "
               "count(DISTINCT id) || ' ' || coalesce(sum(touched), 0) FROM t_" +
               nt_rev(i);
        const int touched = i + 1 < kNtMigrations ? kNtRows : 0;
        expected.push_back(std::to_string(kNtRows) + " " + std::to_string(kNtRows) + " " +
                           std::to_string(touched));
    }
    BOOST_TEST(query_rw(db, sql) == expected, boost::test_tools::per_element());
    return static_cast<int>(query_rw(db, "SELECT revision FROM runner_version").size());
}

// Kills `upgrade head` (with SIGKILL, SIGTERM or SIGINT) at random moments while it runs
// non-transactional migrations. After each kill, every migration either is recorded complete or
// `check` exits 5; `upgrade head` then refuses to start it over, and `--resume` finishes the
// job with no statement applied twice.
void kill_non_transactional_runs(int iterations, std::uint64_t run_seed) {
    const std::string tmpdir = ram_tmpdir();
    std::optional<ScopedEnv> use_tmpdir;
    if (!tmpdir.empty()) {
        use_tmpdir.emplace("TMPDIR", tmpdir.c_str());
    }
    Project p;
    TempDir scratch;
    use_tmpdir.reset();
    write_non_transactional_project(p);
    const std::vector<std::string> upgrade{"--db", p.db(), "--dir", p.dir(), "upgrade", "head"};
    const auto fresh_database = [&] {
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
            std::remove((p.db() + suffix).c_str());
        }
    };
    fresh_database();
    const auto started = std::chrono::steady_clock::now();
    const RunResult full = run_runner(upgrade, p.root());
    const long long full_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count();
    BOOST_REQUIRE_MESSAGE(full.exit_code == 0, full);
    BOOST_REQUIRE_EQUAL(check_non_transactional_complete(p.db()), kNtMigrations);
    BOOST_TEST_MESSAGE("non-transactional: a full run takes " << full_us / 1000 << " ms; seed "
                                                              << run_seed);

    std::mt19937_64 rng(run_seed);
    std::uniform_int_distribution<long long> delay_us(full_us / 20, full_us);
    const int signals[] = {SIGKILL, SIGTERM, SIGINT};
    int stopped_part_way = 0;
    for (int iteration = 0; iteration < iterations; ++iteration) {
        const long long delay = delay_us(rng);
        const int signal = signals[iteration % 3];
        BOOST_TEST_CONTEXT("seed " << run_seed << ", iteration " << iteration << ", signal "
                                   << signal << " after " << delay << " us") {
            fresh_database();
            RunnerProcess run(upgrade, p.root(), scratch / ("nt" + std::to_string(iteration)));
            std::this_thread::sleep_for(std::chrono::microseconds(delay));
            ::kill(run.pid(), signal);
            const RunResult killed = run.wait();
            BOOST_TEST((killed.exit_code == 0 || killed.exit_code == 128 + signal), killed);

            const RunResult check =
                run_runner({"--db", p.db(), "--dir", p.dir(), "check"}, p.root());
            BOOST_TEST((check.exit_code == 0 || check.exit_code == 3 || check.exit_code == 5),
                       check);
            if (!file_exists(p.db())) {
                continue;
            }
            // A table without its revision recorded is a migration that stopped part-way.
            const auto recorded =
                query_rw(p.db(),
                         "SELECT count(*) FROM sqlite_master WHERE name = 'runner_version'") ==
                        std::vector<std::string>{"1"}
                    ? query_rw(p.db(), "SELECT count(*) FROM runner_version")
                    : std::vector<std::string>{"0"};
            const auto tables = query_rw(
                p.db(), "SELECT count(*) FROM sqlite_master WHERE name LIKE 't\\_n%' ESCAPE '\\'");
            if (tables != recorded) {
                BOOST_TEST(check.exit_code == 5, "tables " << tables[0] << ", recorded "
                                                           << recorded[0] << "\n"
                                                           << check);
            }
            RunResult next = run_runner(upgrade, p.root());
            if (check.exit_code == 5) {
                ++stopped_part_way;
                BOOST_TEST(next.exit_code == 1, "upgrade must not start it over\n" << next);
                auto resume = upgrade;
                resume.push_back("--resume");
                next = run_runner(resume, p.root());
            }
            BOOST_TEST(next.exit_code == 0, next);
            BOOST_TEST(check_non_transactional_complete(p.db()) == kNtMigrations);
            const RunResult after =
                run_runner({"--db", p.db(), "--dir", p.dir(), "check"}, p.root());
            BOOST_TEST(after.exit_code == 0, after);
        }
    }
    BOOST_TEST_MESSAGE(stopped_part_way << " of " << iterations
                                        << " kills left a migration stopped part-way");
}

BOOST_AUTO_TEST_SUITE(crash)

BOOST_AUTO_TEST_CASE(kill_9_at_a_random_moment_leaves_whole_migrations_in_rollback_journal_mode) {
    kill_at_random_moments(false, kRollbackDiskIterations * scale(), seed(), "");
}

// The same on a RAM file system when there is one: fsync costs nothing there, so the kills land
// mostly while statements run rather than inside COMMIT, and a kill -9 loses nothing the kernel
// already has, so the checks mean the same. Without one it runs on $TMPDIR again.
BOOST_AUTO_TEST_CASE(kill_9_at_a_random_moment_on_a_ram_file_system_leaves_whole_migrations) {
    kill_at_random_moments(false, kRollbackRamIterations * scale(), seed() + 1, ram_tmpdir());
}

BOOST_AUTO_TEST_CASE(kill_9_at_a_random_moment_leaves_whole_migrations_in_wal_mode) {
    kill_at_random_moments(true, kWalIterations * scale(), seed() + 2, "");
}

// KNOWN BUG, kept failing on purpose. A run killed inside a migration leaves a hot rollback
// journal. SQLite must roll it back before anyone reads the file, which needs a read-write
// connection; runner first opens the database read-only to compute its plan (and `current`,
// `history`, ... only ever open it read-only), so every command fails with "attempt to write a
// readonly database (SQLITE_READONLY)" until another SQLite client opens the file read-write.
BOOST_AUTO_TEST_CASE(bug_after_a_kill_mid_migration_every_command_fails_on_the_hot_journal) {
    Project p;
    integration::write_migration(p.dir(), "0001_small", "aaaa0001", {}, "CREATE TABLE small (x);\n",
                                 "DROP TABLE small;\n");
    // Long enough (a few seconds) to be killed while its transaction is open.
    integration::write_migration(
        p.dir(), "0002_slow", "bbbb0002", {"aaaa0001"},
        "CREATE TABLE slow (x);\n"
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5000000)\n"
        "INSERT INTO slow SELECT randomblob(100) FROM c;\n",
        "DROP TABLE slow;\n");
    const RunResult first = p.run({"upgrade", "aaaa0001"});
    BOOST_REQUIRE_MESSAGE(first.exit_code == 0, first);

    TempDir scratch;
    RunnerProcess run({"--db", p.db(), "--dir", p.dir(), "upgrade", "head"}, p.root(),
                      scratch / "slow");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    struct stat st {};
    while ((::stat((p.db() + "-journal").c_str(), &st) != 0 || st.st_size == 0) &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    run.kill_hard();
    const RunResult killed = run.wait();
    BOOST_REQUIRE_MESSAGE(killed.exit_code == 128 + SIGKILL, killed);
    BOOST_REQUIRE_MESSAGE(file_exists(p.db() + "-journal"), "the kill left no journal");

    const RunResult current = p.run({"current"});
    BOOST_TEST(current.exit_code == 0, current);
    BOOST_TEST(current.out == "aaaa0001\n", current);
    const RunResult upgrade = p.run({"upgrade", "aaaa0001"});
    BOOST_TEST(upgrade.exit_code == 0, upgrade);
    BOOST_TEST(!contains(current.err + upgrade.err, "readonly database"));

    // The state is fine: any read-write client (here the test) rolls the journal back.
    query_rw(p.db(), "SELECT count(*) FROM sqlite_master");
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version") ==
               std::vector<std::string>{"aaaa0001"});
    BOOST_TEST(p.run({"current"}).out == "aaaa0001\n");
}

BOOST_AUTO_TEST_CASE(killing_non_transactional_migrations_leaves_a_record_to_resume_from) {
    kill_non_transactional_runs(kNtIterations * scale(), seed() + 3);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::proof
