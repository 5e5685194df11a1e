// A statement that fails rolls back its whole migration, names its file and line, and keeps what
// earlier migrations of the run did.
#include <string>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// Two statements that succeed, then `third` on a line of its own.
std::string second_migration_up(const std::string& third) {
    return "-- the first two statements succeed\n"
           "CREATE TABLE two_a (x INTEGER);\n"
           "CREATE TABLE two_b (\n"
           "    x INTEGER CHECK (x > 0)\n"
           ");\n"
           "\n" +
           third + "\n";
}

// The runner's "runner: error: " line, or "" when there is none.
std::string error_line(const RunResult& r) {
    for (const auto& line : lines_of(r.err)) {
        if (starts_with(line, "runner: error: ")) {
            return line;
        }
    }
    return "";
}

// Runs `upgrade head` on r1 (fine) then r2 (whose third statement fails) and checks that r1 is
// applied, r2 left nothing behind, and the error starts with `path:line: expected_reason`.
void check_third_statement_failure(const std::string& third, const std::string& expected_reason) {
    Project p;
    write_migration(p.dir(), "0001_one", "r1", {}, "CREATE TABLE one (x);\n", "DROP TABLE one;\n");
    const std::string up = second_migration_up(third);
    write_migration(p.dir(), "0002_two", "r2", {"r1"}, up,
                    "DROP TABLE two_b;\nDROP TABLE two_a;\n");
    const std::string up_path = p.dir() + "/0002_two.up.sql";
    const int line = line_of(migration_header("0002_two", "r2", {"r1"}) + up, third);

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    const std::string expected_start =
        "runner: error: " + up_path + ":" + std::to_string(line) + ": " + expected_reason;
    BOOST_TEST(starts_with(error_line(r), expected_start), "expected an error line starting with\n"
                                                               << expected_start << "\n"
                                                               << r);
    BOOST_TEST(contains(without_timings(r.err), "Running upgrade  -> r1, 0001_one (N ms)\n"), r);
    BOOST_TEST(contains(r.err, "Running upgrade r1 -> r2, 0002_two ... failed\n"), r);
    BOOST_TEST(r.out == "");
    BOOST_TEST(table_names(p.db()) ==
                   (std::vector<std::string>{"one", "runner_version", "runner_version_log"}),
               boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version") ==
                   std::vector<std::string>{"r1"},
               boost::test_tools::per_element());
    BOOST_TEST(p.run({"current"}).out == "r1\n");
}

BOOST_AUTO_TEST_SUITE(failed_statement)

BOOST_AUTO_TEST_CASE(missing_table_in_third_statement_rolls_back_only_that_migration) {
    check_third_statement_failure("INSERT INTO missing_table VALUES (1);",
                                  "no such table: missing_table");
}

BOOST_AUTO_TEST_CASE(check_violation_while_stepping_third_statement_rolls_back_that_migration) {
    check_third_statement_failure("INSERT INTO two_b VALUES (-1);",
                                  "CHECK constraint failed: x > 0");
}

BOOST_AUTO_TEST_CASE(syntax_error_in_third_statement_rolls_back_that_migration) {
    check_third_statement_failure("CREATE TABEL two_c (x);", "near \"TABEL\": syntax error");
}

BOOST_AUTO_TEST_CASE(error_shows_the_failing_statement_below_the_location) {
    Project p;
    write_migration(p.dir(), "0001_one", "r1", {},
                    "CREATE TABLE one (x);\nINSERT INTO nowhere VALUES (1);\n",
                    "DROP TABLE one;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    const auto lines = lines_of(r.err);
    BOOST_REQUIRE_MESSAGE(lines.size() >= 3, r);
    BOOST_TEST(starts_with(lines[1], "runner: error: " + p.dir() +
                                         "/0001_one.up.sql:6: no such table: nowhere"),
               r);
    BOOST_TEST(lines[2] == "    INSERT INTO nowhere VALUES (1);");
}

BOOST_AUTO_TEST_CASE(syntax_error_inside_a_multi_line_statement_shows_the_line_it_names) {
    Project p;
    const std::string up =
        "CREATE TABLE one (x);\n"
        "INSERT INTO one\n"
        "    VALUES (1) WHERE;\n";
    write_migration(p.dir(), "0001_one", "r1", {}, up, "DROP TABLE one;\n");
    const auto file_lines = lines_of(file_bytes(p.dir() + "/0001_one.up.sql"));

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    const auto lines = lines_of(r.err);
    BOOST_REQUIRE_MESSAGE(lines.size() >= 3, r);
    const std::string prefix = "runner: error: " + p.dir() + "/0001_one.up.sql:";
    BOOST_REQUIRE_MESSAGE(starts_with(lines[1], prefix), r);
    const int named = std::stoi(lines[1].substr(prefix.size()));
    BOOST_REQUIRE(named >= 6);
    BOOST_REQUIRE(named <= 7);
    BOOST_TEST(contains(lines[1], "near \"WHERE\": syntax error"), r);
    // The excerpt under the location is the text of the line the location names.
    std::string named_text = file_lines[static_cast<std::size_t>(named - 1)];
    named_text.erase(0, named_text.find_first_not_of(' '));
    BOOST_TEST(contains(lines[2], named_text), "line " << named << " is '" << named_text << "'\n"
                                                       << r);
}

BOOST_AUTO_TEST_CASE(failing_first_migration_leaves_an_existing_database_byte_identical) {
    Project p;
    exec_sql(p.db(),
             "CREATE TABLE keep (id INTEGER PRIMARY KEY, v TEXT);"
             "INSERT INTO keep (v) VALUES ('a'), ('b;c'), (NULL);");
    write_migration(p.dir(), "0001_one", "r1", {},
                    second_migration_up("INSERT INTO nope VALUES (1);"),
                    "DROP TABLE two_b;\nDROP TABLE two_a;\n");
    const std::string before = file_bytes(p.db());
    const auto files_before = list_dir(p.root());

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "no such table: nope"), r);
    BOOST_TEST((file_bytes(p.db()) == before), "the database file changed");
    BOOST_TEST(list_dir(p.root()) == files_before, boost::test_tools::per_element());
    BOOST_TEST(table_names(p.db()) == std::vector<std::string>{"keep"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(failing_downgrade_keeps_the_migration_applied_and_its_tables) {
    Project p;
    write_migration(p.dir(), "0001_one", "r1", {}, "CREATE TABLE one (x);\n", "DROP TABLE one;\n");
    write_migration(p.dir(), "0002_two", "r2", {"r1"},
                    "CREATE TABLE two_a (x);\nCREATE TABLE two_b (x);\n",
                    "DROP TABLE two_b;\nDROP TABLE two_a;\nDROP TABLE two_missing;\n");
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    const auto schema_before = schema_dump(p.db());
    const auto log_sql = "SELECT id || ' ' || action || ' ' || revision FROM runner_version_log";
    const auto log_before = query_column(p.db(), log_sql);

    const RunResult r = p.run({"downgrade", "base"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(starts_with(error_line(r), "runner: error: " + p.dir() +
                                              "/0002_two.down.sql:7: no such table: two_missing"),
               r);
    BOOST_TEST(contains(r.err, "Running downgrade r2 -> r1, 0002_two ... failed\n"), r);
    // Rolled back; the one change is the audit-log entry of the failure (README: Audit).
    BOOST_TEST(schema_dump(p.db()) == schema_before, boost::test_tools::per_element());
    auto log_after = query_column(p.db(), log_sql);
    BOOST_REQUIRE_EQUAL(log_after.size(), log_before.size() + 1);
    BOOST_TEST(contains(log_after.back(), " failed r2"), log_after.back());
    log_after.pop_back();
    BOOST_TEST(log_after == log_before, boost::test_tools::per_element());
    BOOST_TEST(p.run({"current"}).out == "r2 (head)\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
