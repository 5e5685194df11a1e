// The lint checks that read a migration file's text, the file-number checks, and silencing.
#include "lint/lint.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "authoring/script_template.hpp"
#include "migration/header.hpp"
#include "test_graphs.hpp"

namespace runner {
namespace {

const std::string kHeader = "-- revision: abc123\n-- down_revision: \n\n";

LintFile file_of(const std::string& body, bool transactional = true) {
    LintFile f;
    f.path = "sql/0001_x.up.sql";
    f.revision = "abc123";
    f.text = kHeader + body;
    f.transactional = transactional;
    f.template_text = std::string(kDefaultUpTemplate);
    return f;
}

// "code@line" of each finding that is not silenced, in order; silenced ones as "(code@line)".
std::vector<std::string> codes(const std::vector<LintFinding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) {
        const std::string c = f.code + "@" + std::to_string(f.line);
        out.push_back(f.silenced ? "(" + c + ")" : c);
    }
    return out;
}

std::vector<std::string> lint(const std::string& body, bool transactional = true) {
    return codes(lint_file_text(file_of(body, transactional)));
}

using Codes = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(lint_text)

BOOST_AUTO_TEST_CASE(a_merge_revision_may_be_empty_or_the_untouched_template) {
    LintFile f = file_of("-- Joins two branches; nothing to reconcile.\n");
    f.merge = true;
    BOOST_TEST(codes(lint_file_text(f)).empty());
    TemplateValues v;
    v.revision = "abc123";
    v.down_revision = "a1, b2";
    v.message = "merge";
    f.text = render_template(kDefaultUpTemplate, v, "template");
    BOOST_TEST(codes(lint_file_text(f)).empty());
    f.text = kHeader + "BEGIN;\n";
    BOOST_TEST(codes(lint_file_text(f)) == Codes{"transaction-control@4"});
}

BOOST_AUTO_TEST_CASE(a_file_without_statements_is_empty_and_the_template_is_untouched) {
    BOOST_TEST(lint("") == Codes{"empty-migration@0"});
    BOOST_TEST(lint("-- nothing here yet\n;\n") == Codes{"empty-migration@0"});
    TemplateValues v;
    v.revision = "abc123";
    v.message = "add things";
    v.create_date = "2026-11-27 08:00:00";
    LintFile f = file_of("");
    f.text = render_template(kDefaultUpTemplate, v, "template");
    BOOST_TEST(codes(lint_file_text(f)) == Codes{"untouched-template@0"});
    BOOST_TEST(lint("CREATE TABLE t (x);\n").empty());
}

BOOST_AUTO_TEST_CASE(transaction_control_is_an_error_only_in_transactional_files) {
    BOOST_TEST(lint("CREATE TABLE t (x);\nCOMMIT;\nBEGIN;\nINSERT INTO t VALUES (1);\nEND;\n") ==
               (Codes{"transaction-control@5", "transaction-control@6", "transaction-control@8"}));
    BOOST_TEST(lint("BEGIN;\nCREATE TABLE t (x);\nCOMMIT;\n", false).empty());
    BOOST_TEST(lint("SAVEPOINT a;\nCREATE TABLE t (x);\nROLLBACK TO a;\nRELEASE a;\n") ==
               (Codes{"savepoint-in-migration@4", "savepoint-in-migration@6",
                      "savepoint-in-migration@7"}));
    const auto f = lint_file_text(file_of("ROLLBACK TRANSACTION TO a;\n"));
    BOOST_TEST_REQUIRE(f.size() == 1u);
    BOOST_TEST(severity_name(f[0].severity) == std::string("warning"));
}

BOOST_AUTO_TEST_CASE(begin_and_end_of_a_trigger_body_are_not_transaction_control) {
    BOOST_TEST(lint("CREATE TABLE t (x);\n"
                    "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN\n"
                    "  UPDATE t SET x = CASE WHEN x > 1 THEN 1 ELSE 0 END;\n"
                    "  DELETE FROM t WHERE x IS NULL;\n"
                    "END;\n"
                    "COMMIT;\n") == Codes{"transaction-control@9"});
}

BOOST_AUTO_TEST_CASE(pragmas_and_vacuum_that_cannot_work_in_a_transaction) {
    BOOST_TEST(
        lint("PRAGMA foreign_keys = OFF;\nPRAGMA main.journal_mode=WAL;\n"
             "PRAGMA foreign_keys;\nPRAGMA user_version = 3;\nVACUUM;\n") ==
        (Codes{"pragma-in-transaction@4", "pragma-in-transaction@5", "vacuum-in-transaction@8"}));
    BOOST_TEST(lint("PRAGMA journal_mode(WAL);\nVACUUM;\n", false).empty());
}

BOOST_AUTO_TEST_CASE(adding_a_not_null_column_needs_a_default) {
    BOOST_TEST(lint("ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;\n") ==
               Codes{"add-not-null-without-default@4"});
    BOOST_TEST(lint("ALTER TABLE main.t ADD c TEXT NOT NULL DEFAULT NULL;\n") ==
               Codes{"add-not-null-without-default@4"});
    BOOST_TEST(lint("ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT 0;\n"
                    "ALTER TABLE t ADD COLUMN d TEXT CHECK (d IS NOT NULL);\n"
                    "ALTER TABLE t ADD COLUMN e TEXT DEFAULT ('x') NOT NULL;\n"
                    "ALTER TABLE t ADD COLUMN f INT AS (c + 1) NOT NULL;\n"
                    "ALTER TABLE t RENAME COLUMN a TO b;\n")
                   .empty());
    const auto f = lint_file_text(file_of("ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;\n"));
    BOOST_TEST_REQUIRE(f.size() == 1u);
    BOOST_TEST(severity_name(f[0].severity) == std::string("error"));
    BOOST_TEST(f[0].message.find("'c'") != std::string::npos);
    BOOST_TEST(f[0].message.find("'t'") != std::string::npos);
    BOOST_TEST(!f[0].remedy.empty());
}

BOOST_AUTO_TEST_CASE(a_comment_above_the_statement_silences_that_code_there_only) {
    BOOST_TEST(lint("-- the table is empty in every environment\n"
                    "-- lint_ignore: add-not-null-without-default\n"
                    "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;\n"
                    "ALTER TABLE t ADD COLUMN d INTEGER NOT NULL;\n") ==
               (Codes{"(add-not-null-without-default@6)", "add-not-null-without-default@7"}));
    // A directive for another code, or one separated by SQL, silences nothing.
    BOOST_TEST(lint("-- lint_ignore: vacuum-in-transaction\n"
                    "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;\n") ==
               Codes{"add-not-null-without-default@5"});
}

BOOST_AUTO_TEST_CASE(the_header_key_silences_the_whole_file_and_unknown_codes_are_reported) {
    LintFile f = file_of("");
    f.text =
        "-- revision: abc123\n-- down_revision: \n"
        "-- lint_ignore: transaction-control, vacuum-in-transation\n\n"
        "COMMIT;\nVACUUM;\n";
    f.ignored = parse_header(f.text, f.path).lint_ignore;
    BOOST_TEST(f.ignored ==
               (std::vector<std::string>{"transaction-control", "vacuum-in-transation"}));
    BOOST_TEST(
        codes(lint_file_text(f)) ==
        (Codes{"(transaction-control@5)", "vacuum-in-transaction@6", "unknown-lint-code@3"}));
}

BOOST_AUTO_TEST_CASE(unknown_lint_code_is_silenced_only_when_named_itself) {
    // A code from a newer runner: naming unknown-lint-code too keeps older runners quiet.
    LintFile f = file_of("");
    f.text =
        "-- revision: abc123\n-- down_revision: \n"
        "-- lint_ignore: unknown-lint-code, from-the-future\n\n"
        "CREATE TABLE t (x);\n"
        "-- lint_ignore: unknown-lint-code, also-new\n"
        "CREATE TABLE u (x);\n";
    f.ignored = parse_header(f.text, f.path).lint_ignore;
    BOOST_TEST(codes(lint_file_text(f)) ==
               (Codes{"(unknown-lint-code@3)", "(unknown-lint-code@6)"}));
    f.ignored.clear();
    f.text = kHeader + "-- lint_ignore: unknown-lint-code, also-new\nCREATE TABLE u (x);\n";
    BOOST_TEST(codes(lint_file_text(f)) == (Codes{"(unknown-lint-code@4)"}));
    f.text = kHeader + "-- lint_ignore: also-new\nCREATE TABLE u (x);\n";
    BOOST_TEST(codes(lint_file_text(f)) == (Codes{"unknown-lint-code@4"}));
}

BOOST_AUTO_TEST_CASE(a_malformed_lint_ignore_header_is_a_header_error) {
    BOOST_CHECK_THROW(
        parse_header("-- revision: a\n-- down_revision:\n-- lint_ignore: no such code\n", "x"),
        HeaderError);
    BOOST_CHECK_THROW(parse_header("-- revision: a\n-- down_revision:\n-- lint_ignore:\n", "x"),
                      HeaderError);
}

BOOST_AUTO_TEST_CASE(every_rule_has_a_unique_code_a_summary_and_a_remedy) {
    std::vector<std::string_view> seen;
    for (const auto& rule : lint_rules()) {
        BOOST_TEST(!rule.summary.empty());
        BOOST_TEST(!rule.remedy.empty());
        BOOST_TEST(std::count(seen.begin(), seen.end(), rule.code) == 0);
        seen.push_back(rule.code);
        BOOST_TEST(find_lint_rule(rule.code) == &rule);
    }
    BOOST_TEST(find_lint_rule("no-such-code") == nullptr);
}

BOOST_AUTO_TEST_CASE(file_numbers_that_collide_or_run_against_the_graph) {
    std::vector<Migration> ms;
    const auto add = [&](std::string rev, std::vector<std::string> down, std::string file) {
        Migration m = test::make_migration({rev, down});
        m.up_path = "sql/" + file + ".up.sql";
        ms.push_back(m);
    };
    add("aaa1", {}, "0010_root");
    add("bbb2", {"aaa1"}, "0020_left");
    add("ccc3", {"aaa1"}, "0020_right");  // same number on a parallel branch
    add("ddd4", {"bbb2", "ccc3"}, "0040_merge");
    add("eee5", {"ddd4"}, "0030_late");  // numbered below the merge it follows
    add("fff6", {"eee5"}, "notnumbered");
    add("ggg7", {"fff6"}, "0035_after");  // below 0040, seen through an unnumbered file
    add("hhh8", {"ggg7"}, "0050_fine");
    const RevisionGraph graph(std::move(ms));
    std::vector<std::string> got;
    for (const auto& f : lint_file_prefixes(graph)) {
        got.push_back(f.code + " " + f.revision);
        BOOST_TEST(severity_name(f.severity) == std::string("warning"));
    }
    BOOST_TEST(got == (std::vector<std::string>{"prefix-collision ccc3", "prefix-order eee5",
                                                "prefix-order ggg7"}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
