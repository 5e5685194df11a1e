// Reading migration headers as a user meets them: a comment right under the header, and a long
// statement on one line, which must not make listing commands slow.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "support.hpp"

using namespace runner::integration;

BOOST_AUTO_TEST_SUITE(header_scan)

BOOST_AUTO_TEST_CASE(a_note_comment_right_under_the_header_does_not_block_upgrade) {
    Project p;
    write_file(p.dir() + "/0001_a.up.sql",
               "-- revision: aaaa00000001\n-- down_revision:\n-- message: first\n"
               "-- Note: the app reads t.x; keep it\n-- https://tracker.example.com/T-12\n"
               "CREATE TABLE t (x);\n");
    write_file(p.dir() + "/0001_a.down.sql",
               "-- revision: aaaa00000001\n-- down_revision:\n-- TODO: archive first\n"
               "DROP TABLE t;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(table_names(p.db()) ==
               (std::vector<std::string>{"runner_version", "runner_version_log", "t"}));
}

BOOST_AUTO_TEST_CASE(a_misspelled_key_under_the_header_still_stops_with_did_you_mean) {
    Project p;
    write_migration(p.dir(), "0001_a", "aaaa00000001", {}, "CREATE TABLE t (x);\n",
                    "DROP TABLE t;\n", {"depend_on: bbbb"});

    const RunResult r = p.run({"heads"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "0001_a.up.sql:4: unknown header key 'depend_on' (did you mean "
                        "'depends_on'?)"),
               r);
}

BOOST_AUTO_TEST_CASE(heads_is_fast_with_a_six_megabyte_statement_on_one_line) {
    Project p;
    std::string insert = "INSERT INTO t VALUES ";
    while (insert.size() < 6 * 1024 * 1024) {
        insert += "('a row of text for the long line'),";
    }
    insert.back() = ';';
    // The statement is the first line after the header, as in a generated data migration.
    write_migration(p.dir(), "0001_big", "aaaa00000001", {}, insert, "DELETE FROM t;\n");

    const auto start = std::chrono::steady_clock::now();
    const RunResult r = p.run({"heads"});
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out == "aaaa00000001 (head)\n", r);
    // Quadratic scanning took 25 s here; reading the header is a few kilobytes.
    BOOST_TEST(seconds.count() < 2.0);
}

BOOST_AUTO_TEST_SUITE_END()
