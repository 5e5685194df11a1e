// Migrations larger than one read chunk (1 MiB): statements cut by chunk boundaries, literals
// with semicolons, triggers, and errors deep in the file reported at the right line.
#include <boost/test/unit_test.hpp>

#include <string>

#include "support.hpp"

using namespace runner::integration;

namespace {

// About 3 MiB of multi-row INSERTs whose string literals contain semicolons, with a trigger in
// the middle; returns the SQL and counts the lines and rows it writes.
std::string big_body(int& lines, int& rows) {
    std::string sql = "CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT, n INTEGER);\n";
    lines = 1;
    rows = 0;
    for (int batch = 0; sql.size() < 3 * 1024 * 1024; ++batch) {
        sql += "INSERT INTO events (note, n) VALUES\n";
        ++lines;
        for (int i = 0; i < 100; ++i) {
            sql += "  ('clicked; then scrolled -- not a comment /* nor this */', " +
                   std::to_string(rows++) + ")" + (i == 99 ? ";\n" : ",\n");
            ++lines;
        }
        if (batch == 150) {
            sql +=
                "CREATE TRIGGER events_touch AFTER INSERT ON events BEGIN\n"
                "  UPDATE events SET n = n WHERE id = new.id;\n"
                "END;\n";
            lines += 3;
        }
    }
    return sql;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(large_files)

BOOST_AUTO_TEST_CASE(multi_megabyte_migration_runs_every_statement_once) {
    Project p;
    int lines = 0;
    int rows = 0;
    write_migration(p.dir(), "0001_big", "big1", {}, big_body(lines, rows), "DROP TABLE events;");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    // Every row once: as many rows as the file inserts, each n from 0 to rows - 1 exactly once.
    // (query_column reads one column, so each number is its own query.)
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM events") ==
               std::vector<std::string>{std::to_string(rows)});
    BOOST_TEST(query_column(p.db(), "SELECT count(DISTINCT n) FROM events") ==
               std::vector<std::string>{std::to_string(rows)});
    BOOST_TEST(query_column(p.db(), "SELECT min(n) || '..' || max(n) FROM events") ==
               std::vector<std::string>{"0.." + std::to_string(rows - 1)});
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") ==
               std::vector<std::string>{"1"});
    // The checksum taken while streaming matches the file: no drift is reported.
    const RunResult check = p.run({"check"});
    BOOST_TEST(check.exit_code == 0, check);
}

BOOST_AUTO_TEST_CASE(error_deep_in_a_large_file_names_its_line_and_leaves_no_trace) {
    Project p;
    int lines = 0;
    int rows = 0;
    std::string body = big_body(lines, rows);
    body += "INSERT INTO missing_table VALUES (1);\n";
    write_migration(p.dir(), "0001_big", "big1", {}, body, "DROP TABLE events;");
    const int failing_line =
        line_of(migration_header("0001_big", "big1", {}) + body, "missing_table");
    BOOST_TEST(failing_line > 40'000);  // far beyond the first 1 MiB chunk

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, p.dir() + "/0001_big.up.sql:" + std::to_string(failing_line) +
                                   ": no such table: missing_table"),
               r);
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_SUITE_END()
