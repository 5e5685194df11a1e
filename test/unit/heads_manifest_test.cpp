// Tests of the heads manifest: the text written, and every way a manifest can disagree with
// the migration files.
#include "authoring/heads_manifest.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

#include "test_graphs.hpp"

namespace runner {
namespace {

using test::make_graph;

// Two heads: b2 and c3 on a1.
RevisionGraph two_heads() {
    return make_graph({{"a1"}, {"c3", {"a1"}}, {"b2", {"a1"}}});
}

std::string comments_only() {
    return render_heads_manifest({});
}

std::vector<std::string> test_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        lines.push_back(text.substr(start, nl - start));
        start = nl == std::string::npos ? text.size() : nl + 1;
    }
    return lines;
}

BOOST_AUTO_TEST_SUITE(heads_manifest)

BOOST_AUTO_TEST_CASE(the_manifest_lists_heads_sorted_after_comment_lines) {
    const std::string text = render_heads_manifest({"c3", "b2"});

    BOOST_TEST(text.substr(text.size() - 6) == "b2\nc3\n");
    for (const auto& line : test_lines(text.substr(0, text.size() - 6))) {
        BOOST_TEST((line.empty() || line.front() == '#'), "line '" << line << "'");
    }
    BOOST_TEST(text.find("runner merge heads -m") != std::string::npos);
    BOOST_TEST(text.find("runner heads --refresh") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(head_ids_are_the_heads_sorted) {
    BOOST_TEST(head_ids(two_heads()) == (std::vector<std::string>{"b2", "c3"}));
    BOOST_TEST(head_ids(make_graph({})).empty());
}

BOOST_AUTO_TEST_CASE(a_manifest_that_matches_the_files_passes) {
    const auto graph = two_heads();
    BOOST_TEST(!heads_manifest_problem(render_heads_manifest({"c3", "b2"}), "sql/HEADS", graph));
    BOOST_TEST(!heads_manifest_problem("c3\r\n\n  b2  \n# note\n", "sql/HEADS", graph));
    BOOST_TEST(!heads_manifest_problem(comments_only(), "sql/HEADS", make_graph({})));
}

BOOST_AUTO_TEST_CASE(a_stale_manifest_with_one_head_in_the_files_says_to_refresh) {
    const auto graph = make_graph({{"a1"}, {"b2", {"a1"}}});

    const auto problem = heads_manifest_problem(comments_only() + "a1\n", "sql/HEADS", graph);

    BOOST_TEST(problem.value_or("") ==
               "sql/HEADS lists head a1, but the migration files have head b2: probably a "
               "migration was added, removed or edited without 'runner revision'; if the files "
               "are as intended, run 'runner heads --refresh'");
}

BOOST_AUTO_TEST_CASE(a_manifest_missing_a_head_after_a_git_merge_says_to_merge) {
    const auto problem = heads_manifest_problem(comments_only() + "b2\n", "sql/HEADS", two_heads());

    BOOST_TEST(problem.value_or("") ==
               "sql/HEADS lists head b2, but the migration files have heads b2, c3: probably a "
               "git merge combined two branches that each added a migration (join them with "
               "'runner merge heads -m \"merge ...\"'), or a migration was added without "
               "'runner revision' (then run 'runner heads --refresh')");
}

BOOST_AUTO_TEST_CASE(an_empty_manifest_for_a_directory_with_migrations_disagrees) {
    const auto problem = heads_manifest_problem(comments_only(), "m/HEADS", make_graph({{"a1"}}));

    BOOST_TEST(problem.value_or("") ==
               "m/HEADS lists no head, but the migration files have head a1: probably a "
               "migration was added, removed or edited without 'runner revision'; if the files "
               "are as intended, run 'runner heads --refresh'");
}

BOOST_AUTO_TEST_CASE(git_conflict_markers_get_their_own_message) {
    const std::string expected =
        "sql/HEADS has git conflict markers: two merged branches each added a migration on "
        "the same head; keep both revision ids, delete the marker lines, then run 'runner "
        "merge heads -m \"merge ...\"' to join the heads";
    for (const std::string conflict :
         {"<<<<<<< HEAD\nb2\n=======\nc3\n>>>>>>> feature\n",
          "<<<<<<< ours\nb2\n||||||| base\na1\n=======\nc3\n>>>>>>> theirs\n"}) {
        const auto problem =
            heads_manifest_problem(comments_only() + conflict, "sql/HEADS", two_heads());
        BOOST_TEST(problem.value_or("") == expected);
    }
}

BOOST_AUTO_TEST_CASE(a_line_that_is_not_an_id_names_the_line) {
    const auto problem = heads_manifest_problem("b2\nc3 d4\n", "sql/HEADS", two_heads());

    BOOST_TEST(problem.value_or("") ==
               "sql/HEADS:2: 'c3 d4' is not a revision id (the file lists one head revision id "
               "per line); run 'runner heads --refresh' to rewrite it from the migration files");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
