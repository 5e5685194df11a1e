// Alembic-like output and errors on a small branchy project: heads, current, history, show, and
// targets that name nothing, too much, or a revision the files do not declare.
#include <algorithm>
#include <regex>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// aaaa1111 branches into bbbb2222 (label left) and bbbb3333 (label right); with_merge adds
// cccc4444 joining them.
void write_branchy_project(const Project& p, bool with_merge) {
    write_migration(p.dir(), "0001_root", "aaaa1111", {}, "CREATE TABLE root (x);\n",
                    "DROP TABLE root;\n");
    write_migration(p.dir(), "0002_left", "bbbb2222", {"aaaa1111"}, "CREATE TABLE left_t (x);\n",
                    "DROP TABLE left_t;\n", {"branch_labels: left"});
    write_migration(p.dir(), "0003_right", "bbbb3333", {"aaaa1111"}, "CREATE TABLE right_t (x);\n",
                    "DROP TABLE right_t;\n", {"branch_labels: right"});
    if (with_merge) {
        write_migration(p.dir(), "0004_merge", "cccc4444", {"bbbb2222", "bbbb3333"}, "", "",
                        {"create_date: 2026-01-02 03:04:05"});
    }
}

std::vector<std::string> sorted_lines(const std::string& text) {
    auto lines = lines_of(text);
    std::sort(lines.begin(), lines.end());
    return lines;
}

// The line of text that starts with prefix, or "" when none does.
std::string line_starting(const std::string& text, const std::string& prefix) {
    for (const auto& line : lines_of(text)) {
        if (starts_with(line, prefix)) {
            return line;
        }
    }
    return "";
}

BOOST_AUTO_TEST_SUITE(graph_output)

BOOST_AUTO_TEST_CASE(heads_lists_both_heads_with_their_labels) {
    Project p;
    write_branchy_project(p, false);

    const RunResult r = p.run({"heads"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(sorted_lines(r.out) ==
                   (std::vector<std::string>{"bbbb2222 (left) (head)", "bbbb3333 (right) (head)"}),
               boost::test_tools::per_element());
    BOOST_TEST(r.err == "");
}

BOOST_AUTO_TEST_CASE(upgrade_head_with_two_heads_fails_listing_both_and_touches_nothing) {
    Project p;
    write_branchy_project(p, false);

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(starts_with(r.err,
                           "runner: error: Multiple head revisions are present for given "
                           "argument 'head'"),
               r);
    BOOST_TEST(contains(r.err, "bbbb2222"), r);
    BOOST_TEST(contains(r.err, "bbbb3333"), r);
    BOOST_TEST(lines_of(r.err).size() == 1U, r);
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(upgrade_heads_applies_both_branches_and_current_shows_both_heads) {
    Project p;
    write_branchy_project(p, false);

    const RunResult r = p.run({"upgrade", "heads"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(
        sorted_lines(without_timings(r.err)) ==
            (std::vector<std::string>{"Running upgrade  -> aaaa1111, 0001_root (N ms)",
                                      "Running upgrade aaaa1111 -> bbbb2222, 0002_left (N ms)",
                                      "Running upgrade aaaa1111 -> bbbb3333, 0003_right (N ms)"}),
        boost::test_tools::per_element());
    BOOST_TEST(
        starts_with(without_timings(r.err), "Running upgrade  -> aaaa1111, 0001_root (N ms)\n"), r);
    const RunResult current = p.run({"current"});
    BOOST_TEST(current.exit_code == 0, current);
    BOOST_TEST(sorted_lines(current.out) ==
                   (std::vector<std::string>{"bbbb2222 (head)", "bbbb3333 (head)"}),
               boost::test_tools::per_element());
    BOOST_TEST(
        table_names(p.db()) == (std::vector<std::string>{"left_t", "right_t", "root",
                                                         "runner_version", "runner_version_log"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(history_lines_show_parents_labels_and_messages_newest_first) {
    Project p;
    write_branchy_project(p, false);

    const RunResult r = p.run({"history"});

    BOOST_TEST(r.exit_code == 0, r);
    const auto lines = lines_of(r.out);
    BOOST_REQUIRE_MESSAGE(lines.size() == 3U, r);
    BOOST_TEST(sorted_lines(r.out) ==
                   (std::vector<std::string>{"<base> -> aaaa1111 (branchpoint), 0001_root",
                                             "aaaa1111 -> bbbb2222 (left) (head), 0002_left",
                                             "aaaa1111 -> bbbb3333 (right) (head), 0003_right"}),
               boost::test_tools::per_element());
    BOOST_TEST(lines.back() == "<base> -> aaaa1111 (branchpoint), 0001_root");
}

BOOST_AUTO_TEST_CASE(history_indicate_current_marks_the_applied_heads) {
    Project p;
    write_branchy_project(p, false);
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "bbbb2222"}).exit_code, 0);

    const RunResult r = p.run({"history", "-i"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(sorted_lines(r.out) == (std::vector<std::string>{
                                          "<base> -> aaaa1111 (branchpoint), 0001_root",
                                          "aaaa1111 -> bbbb2222 (left) (head) (current), 0002_left",
                                          "aaaa1111 -> bbbb3333 (right) (head), 0003_right"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(history_verbose_shows_rev_parent_merges_paths_and_applied_lines) {
    Project p;
    write_branchy_project(p, true);
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "bbbb2222"}).exit_code, 0);
    BOOST_REQUIRE_EQUAL(p.run({"stamp", "bbbb3333"}).exit_code, 0);

    const RunResult r = p.run({"history", "--verbose"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.err == "");
    const std::string& out = r.out;
    BOOST_TEST(starts_with(out,
                           "Rev: cccc4444 (head) (mergepoint)\n"
                           "Merges: bbbb2222, bbbb3333\n"
                           "Branch names: left, right\n"
                           "Path: " +
                               p.dir() + "/0004_merge.up.sql\n" + "Down path: " + p.dir() +
                               "/0004_merge.down.sql\n" +
                               "Applied: no\n"
                               "\n"
                               "    0004_merge\n"
                               "    \n"
                               "    Revision ID: cccc4444\n"
                               "    Revises: bbbb2222, bbbb3333\n"
                               "    Create Date: 2026-01-02 03:04:05\n"
                               "\n"),
               out);
    BOOST_TEST(contains(out, "Rev: bbbb2222\nParent: aaaa1111\nBranch names: left\nPath: " +
                                 p.dir() + "/0002_left.up.sql\nDown path: " + p.dir() +
                                 "/0002_left.down.sql\nApplied: "),
               out);
    BOOST_TEST(contains(out,
                        "Rev: aaaa1111 (branchpoint)\nParent: <base>\n"
                        "Branches into: bbbb2222, bbbb3333\n"),
               out);
    const std::regex applied_by_upgrade(R"(Applied: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC in \d+ ms)");
    const std::regex applied_by_stamp(
        R"(Applied: stamped \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(not run\))");
    std::vector<std::string> applied;
    for (const auto& line : lines_of(out)) {
        if (starts_with(line, "Applied: ")) {
            applied.push_back(line);
        }
    }
    BOOST_REQUIRE_MESSAGE(applied.size() == 4U, out);
    BOOST_TEST(applied[0] == "Applied: no");
    // Newest first: cccc4444, then the two branches in some order, then aaaa1111.
    const std::string left = line_starting(out.substr(out.find("Rev: bbbb2222")), "Applied: ");
    const std::string right = line_starting(out.substr(out.find("Rev: bbbb3333")), "Applied: ");
    const std::string root = line_starting(out.substr(out.find("Rev: aaaa1111")), "Applied: ");
    BOOST_TEST(std::regex_match(left, applied_by_upgrade), left);
    BOOST_TEST(std::regex_match(right, applied_by_stamp), right);
    BOOST_TEST(std::regex_match(root, applied_by_upgrade), root);
}

BOOST_AUTO_TEST_CASE(unknown_revision_cannot_be_located) {
    Project p;
    write_branchy_project(p, false);
    for (const std::vector<std::string>& args : {std::vector<std::string>{"upgrade", "nosuch"},
                                                 {"downgrade", "nosuch"},
                                                 {"show", "nosuch"},
                                                 {"stamp", "nosuch"}}) {
        BOOST_TEST_CONTEXT("runner " << args[0] << " nosuch") {
            const RunResult r = p.run(args);

            BOOST_TEST(r.exit_code == 1, r);
            BOOST_TEST(r.err ==
                       "runner: error: Can't locate revision identified by 'nosuch': no such "
                       "revision or branch\n");
        }
    }
}

BOOST_AUTO_TEST_CASE(targets_that_cannot_be_located_do_not_create_the_database_file) {
    Project p;
    write_branchy_project(p, false);
    for (const std::vector<std::string>& args : {std::vector<std::string>{"upgrade", "nosuch"},
                                                 {"downgrade", "nosuch"},
                                                 {"show", "nosuch"},
                                                 {"stamp", "nosuch"}}) {
        BOOST_TEST_CONTEXT("runner " << args[0] << " nosuch") {
            const RunResult r = p.run(args);

            BOOST_TEST(r.exit_code == 1, r);
            BOOST_TEST(!file_exists(p.db()), "a failed command created " << p.db());
        }
    }
}

BOOST_AUTO_TEST_CASE(ambiguous_prefix_lists_the_candidates) {
    Project p;
    write_branchy_project(p, false);

    const RunResult r = p.run({"show", "bbbb"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(starts_with(r.err, "runner: error: "), r);
    BOOST_TEST(contains(r.err, "'bbbb'"), r);
    BOOST_TEST(contains(r.err, "bbbb2222"), r);
    BOOST_TEST(contains(r.err, "bbbb3333"), r);

    const RunResult unique = p.run({"show", "aaaa"});

    BOOST_TEST(unique.exit_code == 0, unique);
    BOOST_TEST(starts_with(unique.out, "Rev: aaaa1111 (branchpoint)\n"), unique);
}

BOOST_AUTO_TEST_CASE(revision_in_the_database_that_no_file_declares_is_an_error_until_purged) {
    Project p;
    p.write_chain({"r1", "r2"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    exec_sql(p.db(),
             "INSERT INTO runner_version (revision, applied_at, duration_ms, checksum, how) "
             "VALUES ('ghost99', '2020-01-01 00:00:00', 0, NULL, 'upgrade')");
    const std::string before = file_bytes(p.db());

    for (const std::vector<std::string>& args : {std::vector<std::string>{"current"},
                                                 {"upgrade", "head"},
                                                 {"downgrade", "-1"},
                                                 {"stamp", "head"},
                                                 {"history", "-i"}}) {
        BOOST_TEST_CONTEXT("runner " << args[0]) {
            const RunResult r = p.run(args);

            BOOST_TEST(r.exit_code == 1, r);
            BOOST_TEST(starts_with(r.err,
                                   "runner: error: Can't locate revision identified by "
                                   "'ghost99'"),
                       r);
            BOOST_TEST(contains(r.err, "stamp --purge"), r);
            BOOST_TEST((file_bytes(p.db()) == before), "the database file changed");
        }
    }

    const RunResult purge = p.run({"stamp", "--purge", "head"});

    BOOST_TEST(purge.exit_code == 0, purge);
    BOOST_TEST(p.run({"current"}).out == "r2 (head)\n");
    const auto recorded = query_column(p.db(), "SELECT revision FROM runner_version");
    BOOST_TEST((std::find(recorded.begin(), recorded.end(), "ghost99") == recorded.end()));
    BOOST_TEST((std::find(recorded.begin(), recorded.end(), "r2") != recorded.end()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
