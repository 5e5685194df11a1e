// Proofs on PostgreSQL, through the built binary, for both lock strategies (the session advisory
// lock and lock_strategy = table): a runner killed with SIGKILL at random moments of an upgrade
// of transactional and non-transactional migrations, then `upgrade head` (with --resume when it
// says a migration stopped part-way, as a user would) ends exactly where an uninterrupted run
// does, and the killed runner's lock never blocks the next run for good; a CREATE INDEX
// CONCURRENTLY migration with other runners waiting on the lock finishes without deadlock and
// leaves no invalid index.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::ChildProcess;
using integration::contains;
using integration::lines_of;
using integration::runner_options;
using integration::RunResult;
using integration::StartGate;
using integration::write_file;
using integration::write_migration;

namespace {

// runner.ini: the strategy, and for the table a short lease so a killed runner's row expires
// quickly.
void configure(const PgProject& p, bool table) {
    write_file(p.path("runner.ini"),
               table ? "lock_strategy = table\nlock_lease = 1s\n" : "lock_strategy = advisory\n");
}

// Transactional and non-transactional migrations, none of them idempotent, with short sleeps
// so that a kill lands inside statements as well as between them. The audit rows carry their
// numbers: a serial column would differ after a kill for no fault of runner's (a sequence value
// taken by a transaction that was rolled back is not given back), and a row inserted twice
// still fails the run on its key.
void write_history(const PgProject& p) {
    const std::vector<std::string> nt{"transactional: false"};
    write_migration(p.dir(), "0001_items", "items", {},
                    "CREATE TABLE items (id integer PRIMARY KEY, v text NOT NULL);\n"
                    "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 2000) g;\n"
                    "SELECT pg_sleep(0.05);\n",
                    "DROP TABLE items;\n");
    write_migration(p.dir(), "0002_audit", "audit", {"items"},
                    "CREATE TABLE audit (n integer PRIMARY KEY, note text NOT NULL);\n"
                    "INSERT INTO audit VALUES (1, 'audit-1');\n"
                    "SELECT pg_sleep(0.05);\n"
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS items_v ON items (v);\n"
                    "UPDATE items SET v = v || '!' WHERE id % 2 = 0;\n"
                    "INSERT INTO audit VALUES (2, 'audit-2');\n",
                    "DROP TABLE audit;\nDROP INDEX items_v;\n", nt);
    write_migration(p.dir(), "0003_widen", "widen", {"audit"},
                    "ALTER TABLE items ADD COLUMN w integer;\n"
                    "UPDATE items SET w = id * 2;\n"
                    "SELECT pg_sleep(0.05);\n"
                    "INSERT INTO audit SELECT 3, 'sum ' || sum(w) FROM items;\n",
                    "ALTER TABLE items DROP COLUMN w;\n");
    write_migration(p.dir(), "0004_unique", "unique", {"widen"},
                    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_w ON items (w);\n"
                    "SELECT pg_sleep(0.05);\n"
                    "UPDATE items SET v = v || '?' WHERE id % 3 = 0;\n"
                    "INSERT INTO audit VALUES (4, 'unique');\n",
                    "DROP INDEX items_w;\n", nt);
    write_migration(p.dir(), "0005_final", "final", {"unique"},
                    "CREATE TABLE final AS SELECT count(*) AS n, sum(length(v)) AS len FROM "
                    "items;\nINSERT INTO audit VALUES (5, 'final');\n",
                    "DROP TABLE final;\n");
}

const std::vector<std::string> kHeads{"audit", "final", "items", "unique", "widen"};

// What a user sees of the database: every relation, column, constraint and row, runner's own
// bookkeeping (applied times, the log) left out.
std::string user_state(const PgProject& p) {
    std::string out;
    for (const auto& line : lines_of(p.fingerprint())) {
        if (!contains(line, "runner_version")) {
            out += line + "\n";
        }
    }
    return out;
}

std::string invalid_indexes(const PgProject& p) {
    return p.value("SELECT count(*) FROM pg_index WHERE NOT indisvalid");
}

// `upgrade head` until it succeeds, with --resume when it says a migration stopped part-way:
// what a user does after a crash. Each run must get the lock (the killed runner's lock must not
// block it for good).
RunResult finish(const PgProject& p, std::ostringstream& story) {
    RunResult r;
    bool resume = false;
    for (int attempt = 0; attempt < 4; ++attempt) {
        std::vector<std::string> args{"--lock-timeout", "20", "upgrade", "head"};
        if (resume) {
            args.push_back("--resume");
        }
        r = p.run(args);
        story << "  upgrade head" << (resume ? " --resume" : "") << ": exit " << r.exit_code
              << "\n";
        if (r.exit_code == 0) {
            return r;
        }
        if (!contains(r.err, "--resume") || resume) {
            return r;
        }
        resume = true;
    }
    return r;
}

void kill_at_random_moments(bool table) {
    std::random_device device;
    const unsigned seed = device();
    std::mt19937 random(seed);
    BOOST_TEST_MESSAGE("kill -9 rounds, " << (table ? "table" : "advisory") << " strategy, seed "
                                          << seed);

    PgProject reference;
    configure(reference, table);
    write_history(reference);
    const auto started = std::chrono::steady_clock::now();
    const auto clean = reference.run({"upgrade", "head"});
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    BOOST_REQUIRE_MESSAGE(clean.exit_code == 0, clean);
    BOOST_TEST(reference.applied() == kHeads);
    const std::string expected = user_state(reference);

    std::uniform_int_distribution<long long> when(0, took.count() + took.count() / 4);
    for (int round = 0; round < 6; ++round) {
        PgProject p;
        configure(p, table);
        write_history(p);
        std::ostringstream story;
        // One or two kills before finishing: a run killed, a second one killed again.
        const int kills = 1 + static_cast<int>(random() % 2);
        for (int k = 0; k < kills; ++k) {
            const auto delay = std::chrono::milliseconds(when(random));
            std::vector<std::string> args{"--db",           p.url(), "--dir",   p.dir(),
                                          "--lock-timeout", "20",    "upgrade", "head"};
            if (k > 0) {
                args.push_back("--resume");  // as after a first crash that stopped part-way
            }
            ChildProcess child(runner_options(args, p.root()));
            std::this_thread::sleep_for(delay);
            child.kill_hard();
            const auto killed = child.wait();
            story << "round " << round << ": killed after " << delay.count() << " ms (exit "
                  << killed.exit_code << ")\n";
        }
        const auto r = finish(p, story);
        BOOST_TEST_MESSAGE(story.str());
        BOOST_TEST_INFO(story.str());
        BOOST_TEST(r.exit_code == 0, r);
        BOOST_TEST(p.applied() == kHeads);
        BOOST_TEST(p.value("SELECT count(*) FROM runner_version_partial") == "0");
        BOOST_TEST(invalid_indexes(p) == "0");
        BOOST_TEST(user_state(p) == expected);
        BOOST_TEST(p.run({"check"}).exit_code == 0);
    }
}

// One migration building an index concurrently on a table big enough for the build to take a
// while, and four runners started at once: three wait on the lock while the build runs.
void concurrent_index_with_waiters(bool table) {
    PgProject p;
    configure(p, table);
    write_migration(p.dir(), "0001_big", "big", {},
                    "CREATE TABLE big (id integer PRIMARY KEY, v text NOT NULL);\n"
                    "INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 200000) g;\n",
                    "DROP TABLE big;\n");
    write_migration(p.dir(), "0002_index", "index", {"big"},
                    "CREATE INDEX CONCURRENTLY big_v ON big (v);\n"
                    "CREATE UNIQUE INDEX CONCURRENTLY big_v_id ON big (v, id);\n",
                    "DROP INDEX big_v_id;\nDROP INDEX big_v;\n", {"transactional: false"});
    write_migration(p.dir(), "0003_after", "after", {"index"},
                    "CREATE TABLE after_index (n integer);\nINSERT INTO after_index VALUES (1);\n",
                    "DROP TABLE after_index;\n");
    StartGate gate;
    std::vector<std::unique_ptr<ChildProcess>> runners;
    for (int k = 0; k < 4; ++k) {
        auto options = runner_options(
            {"--db", p.url(), "--dir", p.dir(), "--lock-timeout", "100", "upgrade", "head"},
            p.root());
        options.gate = &gate;
        options.timeout = std::chrono::seconds(100);  // a deadlock fails the test, not hangs it
        runners.push_back(std::make_unique<ChildProcess>(options));
    }
    gate.open();
    int built = 0;
    for (auto& child : runners) {
        const auto r = child->wait();
        BOOST_TEST(r.exit_code == 0, r);
        for (const auto& line : lines_of(r.err)) {
            if (contains(line, "Running upgrade big -> index") &&
                !contains(line, "skipped: another run already did it")) {
                ++built;
            }
        }
    }
    BOOST_TEST(built == 1);  // the index was built once, by one runner; the others waited
    BOOST_TEST(invalid_indexes(p) == "0");
    BOOST_TEST(p.value("SELECT count(*) FROM pg_index WHERE indexrelid IN ('big_v'::regclass, "
                       "'big_v_id'::regclass) AND indisvalid AND indisready") == "2");
    BOOST_TEST(p.applied() == (std::vector<std::string>{"after", "big", "index"}));
    BOOST_TEST(p.value("SELECT count(*) FROM after_index") == "1");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_proof)

BOOST_AUTO_TEST_CASE(kill_9_at_random_moments_then_upgrade_head_ends_as_an_uninterrupted_run) {
    kill_at_random_moments(false);
}

BOOST_AUTO_TEST_CASE(kill_9_at_random_moments_with_a_lock_row_then_the_lease_is_taken_over) {
    kill_at_random_moments(true);
}

BOOST_AUTO_TEST_CASE(a_concurrent_index_build_with_runners_waiting_on_the_advisory_lock) {
    concurrent_index_with_waiters(false);
}

BOOST_AUTO_TEST_CASE(a_concurrent_index_build_with_runners_waiting_on_the_lock_row) {
    concurrent_index_with_waiters(true);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
