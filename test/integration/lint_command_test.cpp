// `runner lint`: every static finding through the built binary, each triggered and each
// silenced on purpose (lint_ignore in the header, or a comment on the line above), the exit
// codes (0 without errors, 9 with one), --verbose, --format json and REV selection.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

RunResult lint(const Project& p, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--dir", p.dir(), "lint"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_runner(args, p.root());
}

void write_root(const Project& p) {
    write_migration(p.dir(), "0001_root", "root0001", {},
                    "CREATE TABLE t (id INTEGER PRIMARY KEY);\n", "DROP TABLE t;\n");
}

// One migration 0002_bad on the root, `up` as its up file's SQL (from line 5 on, or later with
// header lines), and a down that undoes nothing harmful.
void write_bad(const Project& p, const std::string& up, const std::string& down = "SELECT 1;\n",
               const std::vector<std::string>& headers = {}) {
    write_root(p);
    write_migration(p.dir(), "0002_bad", "bad20002", {"root0001"}, up, down, headers);
}

std::string up_file(const Project& p) {
    return p.dir() + "/0002_bad.up.sql";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lint_command)

BOOST_AUTO_TEST_CASE(the_example_migrations_have_no_finding) {
    TempDir tmp;

    const RunResult r = run_runner({"--dir", example_sql_dir(), "lint", "--verbose"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out == "lint: 9 revisions: 0 errors, 0 warnings\n", r);
    BOOST_TEST(list_dir(tmp.path()).empty());
}

BOOST_AUTO_TEST_CASE(an_empty_up_file_is_an_error_with_file_line_and_what_to_do) {
    Project p;
    write_bad(p, "-- nothing yet\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":1: error empty-migration: the file has no SQL statement\n"
                                     "    fix: write the statements, or delete the pair if the "
                                     "revision is not needed\n"),
        r);
    BOOST_TEST(contains(r.out, "lint: 2 revisions: 1 error, 0 warnings\n"), r);
}

BOOST_AUTO_TEST_CASE(an_empty_up_file_is_silenced_by_the_header_and_shown_with_verbose) {
    Project p;
    write_bad(p, "-- a placeholder on purpose\n", "SELECT 1;\n", {"lint_ignore: empty-migration"});

    const RunResult quiet = lint(p);
    const RunResult verbose = lint(p, {"--verbose"});

    BOOST_TEST(quiet.exit_code == 0, quiet);
    BOOST_TEST(quiet.out ==
                   "lint: 2 revisions: 0 errors, 0 warnings, 1 silenced by lint_ignore "
                   "(--verbose shows them)\n",
               quiet);
    BOOST_TEST(verbose.exit_code == 0, verbose);
    BOOST_TEST(verbose.out == up_file(p) +
                                  ":1: silenced error empty-migration: the file has no SQL "
                                  "statement\n"
                                  "lint: 2 revisions: 0 errors, 0 warnings, 1 silenced by "
                                  "lint_ignore\n",
               verbose);
}

BOOST_AUTO_TEST_CASE(a_revision_left_as_the_template_is_untouched_and_can_be_silenced) {
    Project p;
    write_root(p);
    const RunResult made = p.run({"revision", "-m", "later"});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made);
    const auto paths = lines_of(made.out);
    BOOST_TEST_REQUIRE(paths.size() == 2u);

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(contains(r.out, paths[0] + ":1: error untouched-template: "), r);
    BOOST_TEST(contains(r.out, paths[1] + ":1: error untouched-template: "), r);

    for (const auto& path : paths) {
        const std::string text = file_bytes(path);
        const auto nl = text.find('\n');
        write_file(path, text.substr(0, nl + 1) + "-- lint_ignore: untouched-template\n" +
                             text.substr(nl + 1));
    }
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(silenced.exit_code == 0, silenced);
    BOOST_TEST(contains(silenced.out, paths[0] + ":1: silenced error untouched-template: "),
               silenced);
}

BOOST_AUTO_TEST_CASE(transaction_control_is_an_error_at_its_line_and_a_comment_silences_it) {
    Project p;
    write_bad(p, "CREATE TABLE a (x);\nCOMMIT;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":6: error transaction-control: COMMIT in a transactional "
                                     "migration would end runner's transaction\n    fix: "),
        r);

    write_bad(p, "CREATE TABLE a (x);\n-- lint_ignore: transaction-control\nCOMMIT;\n");
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(contains(silenced.out, up_file(p) + ":7: silenced error transaction-control: "),
               silenced);
    BOOST_TEST(!contains(silenced.out, ": error transaction-control"), silenced);
}

BOOST_AUTO_TEST_CASE(transaction_control_in_a_non_transactional_file_is_fine) {
    Project p;
    write_bad(p, "BEGIN;\nCREATE TABLE a (x);\nCOMMIT;\n", "DROP TABLE a;\n",
              {"transactional: false"});

    const RunResult r = lint(p);

    BOOST_TEST(!contains(r.out, "transaction-control"), r);
}

BOOST_AUTO_TEST_CASE(a_savepoint_is_a_warning_that_exits_0_and_can_be_silenced) {
    Project p;
    write_bad(p, "SAVEPOINT s;\nCREATE TABLE a (x);\nRELEASE s;\n", "DROP TABLE a;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, up_file(p) + ":5: warning savepoint-in-migration: SAVEPOINT "), r);
    BOOST_TEST(contains(r.out, up_file(p) + ":7: warning savepoint-in-migration: RELEASE "), r);
    BOOST_TEST(contains(r.out, "lint: 2 revisions: 0 errors, 2 warnings\n"), r);

    write_bad(p, "SAVEPOINT s;\nCREATE TABLE a (x);\nRELEASE s;\n", "DROP TABLE a;\n",
              {"lint_ignore: savepoint-in-migration"});
    const RunResult silenced = lint(p);
    BOOST_TEST(silenced.exit_code == 0, silenced);
    BOOST_TEST(contains(silenced.out, "0 errors, 0 warnings, 2 silenced"), silenced);
}

BOOST_AUTO_TEST_CASE(setting_foreign_keys_or_journal_mode_in_a_transaction_is_an_error) {
    Project p;
    write_bad(p, "PRAGMA foreign_keys = OFF;\nPRAGMA journal_mode = WAL;\nPRAGMA foreign_keys;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(contains(r.out, up_file(p) + ":5: error pragma-in-transaction: PRAGMA "
                                            "foreign_keys is set inside"),
               r);
    BOOST_TEST(contains(r.out, up_file(p) + ":6: error pragma-in-transaction: PRAGMA "
                                            "journal_mode is set inside"),
               r);
    BOOST_TEST(!contains(r.out, up_file(p) + ":7:"), r);  // reading a pragma is fine

    write_bad(p,
              "-- lint_ignore: pragma-in-transaction\nPRAGMA foreign_keys = OFF;\n"
              "-- lint_ignore: pragma-in-transaction\nPRAGMA journal_mode = WAL;\n");
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(silenced.exit_code == 0, silenced);
    BOOST_TEST(contains(silenced.out, up_file(p) + ":6: silenced error pragma-in-transaction"),
               silenced);
    BOOST_TEST(contains(silenced.out, up_file(p) + ":8: silenced error pragma-in-transaction"),
               silenced);
}

BOOST_AUTO_TEST_CASE(vacuum_in_a_transaction_is_an_error_and_can_be_silenced) {
    Project p;
    write_bad(p, "CREATE TABLE a (x);\nVACUUM;\n", "DROP TABLE a;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(contains(r.out, up_file(p) + ":6: error vacuum-in-transaction: VACUUM cannot run "
                                            "inside the migration's transaction\n"),
               r);

    write_bad(p, "CREATE TABLE a (x);\n-- lint_ignore: vacuum-in-transaction\nVACUUM;\n",
              "DROP TABLE a;\n");
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(contains(silenced.out, up_file(p) + ":7: silenced error vacuum-in-transaction"),
               silenced);
}

BOOST_AUTO_TEST_CASE(adding_a_not_null_column_without_default_is_an_error_and_can_be_silenced) {
    Project p;
    write_bad(p, "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;\n",
              "ALTER TABLE t DROP COLUMN c;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":5: error add-not-null-without-default: column 'c' is added "
                                     "to 't' as NOT NULL without a default"),
        r);

    write_bad(p, "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;\n", "ALTER TABLE t DROP COLUMN c;\n",
              {"lint_ignore: add-not-null-without-default"});
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(
        contains(silenced.out, up_file(p) + ":6: silenced error add-not-null-without-default"),
        silenced);
}

BOOST_AUTO_TEST_CASE(colliding_and_contradicting_file_numbers_are_warnings) {
    Project p;
    write_root(p);
    write_migration(p.dir(), "0003_second", "sec30003", {"root0001"}, "CREATE TABLE b (x);\n",
                    "DROP TABLE b;\n");
    write_migration(p.dir(), "0003_third", "thi30003", {"sec30003"}, "CREATE TABLE c (x);\n",
                    "DROP TABLE c;\n");
    write_migration(p.dir(), "0002_fourth", "fou40002", {"thi30003"}, "CREATE TABLE d (x);\n",
                    "DROP TABLE d;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(
        contains(r.out, p.dir() + "/0003_third.up.sql:1: warning prefix-collision: "
                                  "0003_third.up.sql has the same number as 0003_second.up.sql\n"),
        r);
    BOOST_TEST(contains(r.out, p.dir() + "/0002_fourth.up.sql:1: warning prefix-order: "
                                         "0002_fourth.up.sql comes after 0003_"),
               r);
}

BOOST_AUTO_TEST_CASE(file_number_findings_are_silenced_by_the_up_file_header) {
    Project p;
    write_root(p);
    write_migration(p.dir(), "0003_second", "sec30003", {"root0001"}, "CREATE TABLE b (x);\n",
                    "DROP TABLE b;\n");
    write_migration(p.dir(), "0003_third", "thi30003", {"sec30003"}, "CREATE TABLE c (x);\n",
                    "DROP TABLE c;\n", {"lint_ignore: prefix-collision"});
    write_migration(p.dir(), "0002_fourth", "fou40002", {"thi30003"}, "CREATE TABLE d (x);\n",
                    "DROP TABLE d;\n", {"lint_ignore: prefix-order"});

    const RunResult r = lint(p, {"--verbose"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "/0003_third.up.sql:1: silenced warning prefix-collision"), r);
    BOOST_TEST(contains(r.out, "/0002_fourth.up.sql:1: silenced warning prefix-order"), r);
    BOOST_TEST(contains(r.out, "0 errors, 0 warnings, 2 silenced by lint_ignore\n"), r);
}

BOOST_AUTO_TEST_CASE(an_unknown_code_in_lint_ignore_is_a_warning_silenced_only_by_name) {
    Project p;
    write_bad(p, "-- lint_ignore: no-such-code\nCREATE TABLE a (x);\n", "DROP TABLE a;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, up_file(p) + ":5: warning unknown-lint-code: lint_ignore names "
                                            "'no-such-code', which is not a lint code\n"),
               r);

    write_bad(p, "-- lint_ignore: unknown-lint-code, no-such-code\nCREATE TABLE a (x);\n",
              "DROP TABLE a;\n");
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(contains(silenced.out, up_file(p) + ":5: silenced warning unknown-lint-code"),
               silenced);
}

BOOST_AUTO_TEST_CASE(json_lists_each_finding_with_its_fields) {
    Project p;
    write_bad(p, "CREATE TABLE a (x);\nVACUUM;\n", "DROP TABLE a;\n");

    const RunResult r = lint(p, {"--format", "json"});

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(starts_with(r.out, "{\"command\":\"lint\",\"ok\":false,\"revisions\":2,"), r);
    BOOST_TEST(contains(r.out,
                        "{\"code\":\"vacuum-in-transaction\",\"severity\":\"error\","
                        "\"file\":\"" +
                            up_file(p) + "\",\"line\":6,\"revision\":\"bad20002\",\"message\":"),
               r);
    BOOST_TEST(contains(r.out, "\"silenced\":false}"), r);
    BOOST_TEST(contains(r.out, "\"exit_code\":9}\n"), r);
}

BOOST_AUTO_TEST_CASE(only_the_revisions_named_are_linted) {
    Project p;
    write_bad(p, "CREATE TABLE a (x);\nVACUUM;\n", "DROP TABLE a;\n");

    const RunResult root = lint(p, {"root0001"});
    const RunResult bad = lint(p, {"bad2"});

    BOOST_TEST(root.exit_code == 0, root);
    BOOST_TEST(root.out == "lint: 1 revision: 0 errors, 0 warnings\n", root);
    BOOST_TEST(bad.exit_code == 9, bad);
    BOOST_TEST(contains(bad.out, "lint: 1 revision: 1 error, 0 warnings\n"), bad);
}

BOOST_AUTO_TEST_CASE(an_unknown_revision_is_an_error_naming_it) {
    Project p;
    write_root(p);

    const RunResult r = lint(p, {"nope"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "nope"), r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::integration
