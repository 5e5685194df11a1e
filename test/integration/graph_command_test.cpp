// `runner graph` on the example project: formats, applied revisions from the database, and a
// dot file that Graphviz renders.
#include <boost/test/unit_test.hpp>

#include "program.hpp"
#include "support.hpp"

namespace runner::integration {
namespace {

RunResult graph_of_examples(const Project& p, const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--dir", example_sql_dir(), "--db", p.db(), "graph"};
    all.insert(all.end(), args.begin(), args.end());
    return run_runner(all, p.root());
}

BOOST_AUTO_TEST_SUITE(graph_command)

BOOST_AUTO_TEST_CASE(json_marks_what_the_database_has_applied) {
    Project p;
    const RunResult up = run_runner(
        {"--dir", example_sql_dir(), "--db", p.db(), "upgrade", "3d8cb6574373"}, p.root());
    BOOST_TEST_REQUIRE(up.exit_code == 0, up);

    const RunResult r = graph_of_examples(p, {"--format", "json"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.err == "");
    BOOST_TEST(contains(r.out,
                        "{\"revision\": \"3d8cb6574373\", \"down_revisions\": [\"c143ef205bf8\"], "
                        "\"depends_on\": [], \"branch_labels\": [\"chat\"], \"message\": \"create "
                        "chat_messages table for the AI writing assistant\", \"head\": false, "
                        "\"branch_point\": false, \"merge_point\": false, \"applied\": true}"),
               r.out);
    BOOST_TEST(contains(r.out, "\"revision\": \"79af062be5ee\""), r.out);
    BOOST_TEST(contains(r.out,
                        "\"branch_point\": true, \"merge_point\": false, \"applied\": "
                        "true}"),
               r.out);
    BOOST_TEST(contains(r.out,
                        "\"branch_labels\": [\"oauth\"], \"message\": \"create "
                        "oauth_tokens table for publishing platforms\", \"head\": false, "
                        "\"branch_point\": false, \"merge_point\": false, \"applied\": "
                        "false}"),
               r.out);
    BOOST_TEST(contains(r.out, "\"heads\": [\"28811d8b1b93\"]\n}\n"), r.out);
}

BOOST_AUTO_TEST_CASE(without_a_database_applied_is_unknown_and_nothing_is_created) {
    TempDir tmp;

    const RunResult r =
        run_runner({"--dir", example_sql_dir(), "graph", "--format", "json"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "\"applied\": null}"), r.out);
    BOOST_TEST(!contains(r.out, "\"applied\": true"), r.out);
    BOOST_TEST(list_dir(tmp.path()).empty());
}

BOOST_AUTO_TEST_CASE(a_database_file_that_does_not_exist_yet_has_nothing_applied) {
    Project p;

    const RunResult r = graph_of_examples(p, {"--format", "json"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "\"applied\": false}"), r.out);
    BOOST_TEST(!contains(r.out, "\"applied\": true"), r.out);
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(dot_output_renders_with_graphviz) {
    Project p;
    run_runner({"--dir", example_sql_dir(), "--db", p.db(), "upgrade", "head"}, p.root());

    const RunResult r = graph_of_examples(p, {});
    const RunResult svg = run_program({"dot", "-Tsvg"}, p.root(), {}, r.out);

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(starts_with(r.out, "// runner revision graph"), r.out);
    BOOST_TEST(contains(r.out, "    rankdir=BT;\n"));
    BOOST_TEST(contains(r.out,
                        "\"439a7d3ce21a\" [label=\"439a7d3ce21a (mergepoint)\\nmerge "
                        "chat and oauth branches\", color=\"#7b3294\""),
               r.out);
    BOOST_TEST(contains(r.out, "    \"c143ef205bf8\" -> \"3d8cb6574373\";\n"), r.out);
    BOOST_TEST(svg.exit_code == 0, svg);
    BOOST_TEST(contains(svg.out, "<svg"));
    BOOST_TEST(contains(svg.out, "28811d8b1b93 (head)"));
}

BOOST_AUTO_TEST_CASE(mermaid_output_is_a_bottom_up_flowchart) {
    Project p;

    const RunResult r = graph_of_examples(p, {"-f", "mermaid"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(starts_with(r.out, "graph BT\n"), r.out);
    BOOST_TEST(contains(r.out, "    r_3d8cb6574373 --> r_439a7d3ce21a\n"), r.out);
    BOOST_TEST(contains(r.out, "    class r_28811d8b1b93 head\n"), r.out);
}

BOOST_AUTO_TEST_CASE(an_unknown_format_is_a_usage_error) {
    Project p;

    const RunResult r = graph_of_examples(p, {"--format", "png"});

    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(r.err ==
               "runner: error: unknown graph format 'png' (choose dot, mermaid or json)\n"
               "usage: runner graph [--format dot|mermaid|json]\n");
}

BOOST_AUTO_TEST_CASE(help_lists_graph) {
    TempDir tmp;

    const RunResult r = run_runner({"--help"}, tmp.path());

    BOOST_TEST(
        contains(r.out, "\n  graph       Print the revision graph as dot, mermaid or json\n"),
        r.out);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
