// Proof that runs started together on one database (brand-new or not) apply every migration
// exactly once, transactional or not, never fail with "database is locked", and leave an
// up-to-date database untouched.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "proof_support.hpp"

namespace runner::proof {
namespace {

using integration::contains;
using integration::exec_sql;
using integration::file_bytes;
using integration::file_mtime_ns;
using integration::lines_of;
using integration::list_dir;
using integration::Project;
using integration::query_column;
using integration::starts_with;
using integration::TempDir;

constexpr int kProcesses = 8;
constexpr int kRounds = 20;
constexpr int kWalRounds = 5;

struct Node {
    std::string rev;
    std::vector<std::string> parents;
    std::vector<std::string> extra_headers;
};

// 32 migrations: a trunk e01..e05 that branches three ways (a: e06..e12, b: e13..e19 with a
// depends_on into a, and e20..e24), a three-way merge m25, the trunk e26..e30, and a side branch
// e31..e32 off e26 that stays unmerged, so there are two heads.
std::vector<Node> concurrency_graph() {
    std::vector<Node> nodes;
    const auto rev = [](int i) {
        char text[16];
        std::snprintf(text, sizeof text, "e%02d", i);
        return std::string(text);
    };
    for (int i = 1; i <= 32; ++i) {
        Node n{i == 25 ? "m25" : rev(i), {}, {}};
        if (i == 1) {
        } else if (i == 6 || i == 13 || i == 20) {
            n.parents = {rev(5)};
        } else if (i == 25) {
            n.parents = {rev(12), rev(19), rev(24)};
        } else if (i == 26) {
            n.parents = {"m25"};
        } else if (i == 31) {
            n.parents = {rev(26)};
        } else {
            n.parents = {rev(i - 1)};
        }
        if (i == 6) {
            n.extra_headers = {"branch_labels: a"};
        } else if (i == 13) {
            n.extra_headers = {"branch_labels: b"};
        } else if (i == 15) {
            n.extra_headers = {"depends_on: e08"};
        } else if (i == 31) {
            n.extra_headers = {"branch_labels: side"};
        }
        nodes.push_back(n);
    }
    return nodes;
}

// The migrations marked 'transactional: false': they commit statement by statement, with a
// slow read between their first event and the rest, where another run could get in.
bool non_transactional(const std::string& rev) {
    return rev == "e03" || rev == "e10" || rev == "e17" || rev == "e27";
}

// Every up file records itself in the shared `events` table: a migration that ran twice would
// leave two rows (its CREATE TABLE would fail first, which the test would also see). The
// non-transactional ones record two events, the first before the slow read.
void write_concurrency_project(const Project& p, const std::vector<Node>& nodes) {
    int number = 0;
    for (const Node& n : nodes) {
        char stem[32];
        std::snprintf(stem, sizeof stem, "%04d_%s", ++number, n.rev.c_str());
        const std::string table = "t_" + n.rev;
        std::string up = number == 1 ? "CREATE TABLE events (\n"
                                       "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                                       "    revision TEXT NOT NULL,\n"
                                       "    note TEXT NOT NULL\n"
                                       ");\n"
                                     : "";
        auto headers = n.extra_headers;
        if (non_transactional(n.rev)) {
            headers.push_back("transactional: false");
            up += "INSERT INTO events (revision, note) VALUES ('" + n.rev + "', 'started');\n" +
                  "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < "
                  "100000)\nSELECT count(*) FROM c;\n";
        }
        up += "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n" +
              "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200)\n" +
              "INSERT INTO " + table + " (id, v) SELECT n, '" + n.rev + "-' || n FROM c;\n" +
              "INSERT INTO events (revision, note) VALUES ('" + n.rev + "', 'applied');\n";
        std::string down = "DELETE FROM events WHERE revision = '" + n.rev + "';\nDROP TABLE " +
                           table + ";\n" + (number == 1 ? "DROP TABLE events;\n" : "");
        integration::write_migration(p.dir(), stem, n.rev, n.parents, up, down, headers);
    }
}

// The revision a progress line is about: "Running upgrade A, B -> REV, message ...".
std::string progress_revision(const std::string& line) {
    const auto arrow = line.find(" -> ");
    if (arrow == std::string::npos) {
        return "";
    }
    const auto start = arrow + 4;
    const auto end = line.find_first_of(", ", start);
    return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Starts kProcesses runs of `args` that all exec at the same moment, and waits for them.
std::vector<RunResult> run_together(const Project& p, const std::vector<std::string>& args,
                                    const TempDir& scratch, int round) {
    std::vector<std::string> all{"--db", p.db(), "--dir", p.dir()};
    all.insert(all.end(), args.begin(), args.end());
    StartGate gate;
    std::vector<std::unique_ptr<RunnerProcess>> processes;
    for (int i = 0; i < kProcesses; ++i) {
        processes.push_back(std::make_unique<RunnerProcess>(
            all, p.root(), scratch / ("r" + std::to_string(round) + "_p" + std::to_string(i)),
            EnvOverrides{}, &gate));
    }
    gate.open();
    std::vector<RunResult> results;
    for (auto& process : processes) {
        results.push_back(process->wait());
    }
    return results;
}

// Starts eight `upgrade heads` together on a fresh database, `rounds` times, and checks that every
// migration ran exactly once, the non-transactional ones included. Without wal the database
// file does not exist before the runs start (they race to create it); with wal, it is created
// and put in WAL mode first.
void upgrade_together_on_fresh_databases(int rounds, bool wal) {
    const std::vector<Node> nodes = concurrency_graph();
    std::vector<std::string> all_revs;
    for (const Node& n : nodes) {
        all_revs.push_back(n.rev);
    }
    std::sort(all_revs.begin(), all_revs.end());
    std::vector<std::string> each_once;
    for (const auto& r : all_revs) {
        each_once.push_back(r + (non_transactional(r) ? " 2" : " 1"));
    }

    TempDir scratch;
    int contended_rounds = 0;  // rounds where more than one process applied something
    int skipped_steps = 0;     // steps a process planned, then found done under the lock
    for (int round = 0; round < rounds; ++round) {
        BOOST_TEST_CONTEXT("round " << round + 1 << " of " << rounds << (wal ? " (WAL)" : "")) {
            Project p;
            write_concurrency_project(p, nodes);
            if (wal) {
                exec_sql(p.db(), "PRAGMA journal_mode = WAL");
            }
            const auto results = run_together(p, {"upgrade", "heads"}, scratch, round);

            std::map<std::string, int> applied;
            int processes_that_applied = 0;
            for (std::size_t i = 0; i < results.size(); ++i) {
                const RunResult& r = results[i];
                BOOST_TEST_CONTEXT("process " << i) {
                    BOOST_TEST(r.exit_code == 0, r);
                    BOOST_TEST(!contains(r.err + r.out, "database is locked"), r);
                    BOOST_TEST(!contains(r.err + r.out, "SQLITE_BUSY"), r);
                    bool applied_something = false;
                    for (const auto& line : lines_of(r.err)) {
                        if (starts_with(line, "Running upgrade ") && ends_with(line, " ms)")) {
                            ++applied[progress_revision(line)];
                            applied_something = true;
                        } else if (starts_with(line, "Running upgrade ") &&
                                   ends_with(line, " ... skipped: another run already did it")) {
                            ++skipped_steps;
                        } else if (!starts_with(line, "Nothing to upgrade: ")) {
                            BOOST_ERROR("unexpected line on stderr: " << line);
                        }
                    }
                    processes_that_applied += applied_something ? 1 : 0;
                }
            }
            contended_rounds += processes_that_applied > 1 ? 1 : 0;
            for (const auto& rev : all_revs) {
                BOOST_TEST(applied[rev] == 1, "progress lines say " << rev << " was applied "
                                                                    << applied[rev] << " times");
            }
            BOOST_TEST(query_column(p.db(),
                                    "SELECT revision || ' ' || count(*) FROM events "
                                    "GROUP BY revision ORDER BY revision") == each_once,
                       boost::test_tools::per_element());
            BOOST_TEST(query_column(p.db(),
                                    "SELECT revision FROM runner_version "
                                    "ORDER BY revision") == all_revs,
                       boost::test_tools::per_element());
            BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM t_m25") ==
                       std::vector<std::string>{"200"});
            BOOST_TEST(query_column(p.db(), "PRAGMA integrity_check") ==
                       std::vector<std::string>{"ok"});
        }
    }
    // Not pass/fail conditions (the scheduler decides), but they show the race was exercised.
    BOOST_TEST_MESSAGE(contended_rounds << " of " << rounds << (wal ? " WAL" : "")
                                        << " rounds had more than one process applying migrations; "
                                        << skipped_steps
                                        << " planned steps were found done under the lock");
}

// The names in a folder, without the -wal and -shm files SQLite keeps next to a WAL database.
std::vector<std::string> names_without_wal_files(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& name : list_dir(dir)) {
        if (!ends_with(name, "-wal") && !ends_with(name, "-shm")) {
            names.push_back(name);
        }
    }
    return names;
}

// Starts eight `upgrade heads` together on a database that is already at heads, `rounds` times:
// each says there is nothing to do, and the database file stays byte-identical.
void upgrade_together_on_an_up_to_date_database(int rounds, bool wal) {
    const std::vector<Node> nodes = concurrency_graph();
    TempDir scratch;
    Project p;
    write_concurrency_project(p, nodes);
    if (wal) {
        exec_sql(p.db(), "PRAGMA journal_mode = WAL");
    }
    const RunResult first = p.run({"upgrade", "heads"});
    BOOST_REQUIRE_MESSAGE(first.exit_code == 0, first);

    for (int round = 0; round < rounds; ++round) {
        BOOST_TEST_CONTEXT("round " << round + 1 << " of " << rounds << (wal ? " (WAL)" : "")) {
            const auto bytes_before = file_bytes(p.db());
            const auto mtime_before = file_mtime_ns(p.db());
            // A read-only connection cannot remove the -wal and -shm files of a WAL database when
            // it closes, so in WAL mode they may stay behind (the WAL empty); SQLite's doing.
            const auto files = [&] {
                return wal ? names_without_wal_files(p.root()) : list_dir(p.root());
            };
            const auto files_before = files();
            const auto results = run_together(p, {"upgrade", "heads"}, scratch, round);
            for (std::size_t i = 0; i < results.size(); ++i) {
                BOOST_TEST_CONTEXT("process " << i) {
                    const RunResult& r = results[i];
                    BOOST_TEST(r.exit_code == 0, r);
                    BOOST_TEST(r.out == "");
                    BOOST_TEST(r.err == "Nothing to upgrade: " + p.db() +
                                            " already has every migration 'heads' needs\n");
                }
            }
            BOOST_TEST((file_bytes(p.db()) == bytes_before), "the database file changed");
            BOOST_TEST(file_mtime_ns(p.db()) == mtime_before);
            BOOST_TEST(files() == files_before, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE(eight_runs_started_together_apply_every_migration_exactly_once) {
    upgrade_together_on_fresh_databases(kRounds * scale(), false);
}

BOOST_AUTO_TEST_CASE(eight_runs_started_together_apply_every_migration_exactly_once_in_wal_mode) {
    upgrade_together_on_fresh_databases(kWalRounds * scale(), true);
}

BOOST_AUTO_TEST_CASE(eight_runs_on_an_up_to_date_database_change_nothing) {
    upgrade_together_on_an_up_to_date_database(3 * scale(), false);
}

BOOST_AUTO_TEST_CASE(eight_runs_on_an_up_to_date_wal_database_leave_the_file_byte_identical) {
    upgrade_together_on_an_up_to_date_database(2 * scale(), true);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::proof
