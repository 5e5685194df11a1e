// Tests of the graph pictures and JSON: exact output for a small graph with every feature.
#include "present/graph_render.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "test_graphs.hpp"

namespace runner {
namespace {

using test::make_migration;

// a1 branches into b2 (label left) and c3; d4 merges them; e5 is a second root that depends
// on c3 and has a message that needs escaping everywhere.
RevisionGraph sample() {
    std::vector<Migration> ms = {
        make_migration({"a1"}),
        make_migration({"b2", {"a1"}, {"left"}}),
        make_migration({"c3", {"a1"}}),
        make_migration({"d4", {"b2", "c3"}}),
        make_migration({"e5", {}, {}, {"c3"}}),
    };
    ms[4].message = "say \"hi\" \\ <b>#1</b> & \x01 caf\xc3\xa9 \xff";
    return RevisionGraph(std::move(ms));
}

RevSet applied_a1_b2() {
    return RevSet{1, 1, 0, 0, 0};
}

BOOST_AUTO_TEST_SUITE(graph_render)

BOOST_AUTO_TEST_CASE(formats_are_named_dot_mermaid_and_json) {
    BOOST_TEST((parse_graph_format("dot") == GraphFormat::kDot));
    BOOST_TEST((parse_graph_format("mermaid") == GraphFormat::kMermaid));
    BOOST_TEST((parse_graph_format("json") == GraphFormat::kJson));
    BOOST_TEST(!parse_graph_format("svg"));
}

BOOST_AUTO_TEST_CASE(dot_styles_heads_branch_and_merge_points_and_fills_applied_nodes) {
    const RevSet applied = applied_a1_b2();
    const std::string dot = render_graph(sample(), GraphFormat::kDot, &applied);

    BOOST_TEST(dot ==
               "// runner revision graph: base at the bottom, heads on top. Render: dot -Tsvg\n"
               "digraph revisions {\n"
               "    rankdir=BT;\n"
               "    node [shape=box, style=\"rounded\", fontname=\"Helvetica\", fontsize=10];\n"
               "    edge [fontname=\"Helvetica\", fontsize=9];\n"
               "    labelloc=b;\n"
               "    fontname=\"Helvetica\";\n"
               "    fontsize=9;\n"
               "    label=\"double border: head; blue: branch point; purple: merge point; "
               "green: applied to the database\";\n"
               "    \"a1\" [label=\"a1 (branchpoint)\\nmigration a1\", color=\"#1f5fa8\", "
               "penwidth=1.5, style=\"rounded,filled\", fillcolor=\"#c7e9c0\"];\n"
               "    \"b2\" [label=\"b2 (left)\\nmigration b2\", style=\"rounded,filled\", "
               "fillcolor=\"#c7e9c0\"];\n"
               "    \"c3\" [label=\"c3\\nmigration c3\"];\n"
               "    \"d4\" [label=\"d4 (head) (mergepoint)\\nmigration d4\", peripheries=2, "
               "color=\"#7b3294\", penwidth=1.5];\n"
               "    \"e5\" [label=\"e5 (head)\\nsay \\\"hi\\\" \\\\ <b>#1</b> & \x01 caf\xc3\xa9 "
               "\xff\", peripheries=2];\n"
               "    \"a1\" -> \"b2\";\n"
               "    \"a1\" -> \"c3\";\n"
               "    \"b2\" -> \"d4\";\n"
               "    \"c3\" -> \"d4\";\n"
               "    \"c3\" -> \"e5\" [style=dashed, label=\"depends_on\"];\n"
               "}\n");
}

BOOST_AUTO_TEST_CASE(dot_without_a_database_has_no_fill_and_no_applied_legend) {
    const std::string dot = render_graph(sample(), GraphFormat::kDot);

    BOOST_TEST(dot.find("filled") == std::string::npos);
    BOOST_TEST(dot.find("label=\"double border: head; blue: branch point; purple: merge "
                        "point\";\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(long_messages_are_shortened_in_pictures_without_splitting_characters) {
    std::vector<Migration> ms = {make_migration({"a1"})};
    ms[0].message = std::string(46, 'x') + "\xc3\xa9\xc3\xa9 and more";
    const std::string dot = render_graph(RevisionGraph(std::move(ms)), GraphFormat::kDot);

    BOOST_TEST(dot.find("\\n" + std::string(46, 'x') + "\xc3\xa9...\"") != std::string::npos, dot);
}

BOOST_AUTO_TEST_CASE(mermaid_draws_bottom_up_with_classes_and_escaped_labels) {
    const RevSet applied = applied_a1_b2();
    const std::string mermaid = render_graph(sample(), GraphFormat::kMermaid, &applied);

    BOOST_TEST(mermaid ==
               "graph BT\n"
               "    r_a1[\"a1 (branchpoint)<br>migration a1\"]\n"
               "    r_b2[\"b2 (left)<br>migration b2\"]\n"
               "    r_c3[\"c3<br>migration c3\"]\n"
               "    r_d4[\"d4 (head) (mergepoint)<br>migration d4\"]\n"
               "    r_e5[\"e5 (head)<br>say #quot;hi#quot; \\ #lt;b#gt;#35;1#lt;/b#gt; #amp; \x01 "
               "caf\xc3\xa9 \xff\"]\n"
               "    r_a1 --> r_b2\n"
               "    r_a1 --> r_c3\n"
               "    r_b2 --> r_d4\n"
               "    r_c3 --> r_d4\n"
               "    r_c3 -. depends_on .-> r_e5\n"
               "    classDef head stroke-width:3px\n"
               "    classDef branchpoint stroke:#1f5fa8\n"
               "    classDef mergepoint stroke:#7b3294\n"
               "    classDef applied fill:#c7e9c0\n"
               "    class r_a1 branchpoint\n"
               "    class r_a1 applied\n"
               "    class r_b2 applied\n"
               "    class r_d4 head\n"
               "    class r_d4 mergepoint\n"
               "    class r_e5 head\n");
}

BOOST_AUTO_TEST_CASE(json_has_every_revision_and_the_heads) {
    const RevSet applied = applied_a1_b2();
    const std::string json = render_graph(sample(), GraphFormat::kJson, &applied);

    BOOST_TEST(
        json ==
        "{\n"
        "  \"revisions\": [\n"
        "    {\"revision\": \"a1\", \"down_revisions\": [], \"depends_on\": [], "
        "\"branch_labels\": [], \"message\": \"migration a1\", \"head\": false, "
        "\"branch_point\": true, \"merge_point\": false, \"applied\": true},\n"
        "    {\"revision\": \"b2\", \"down_revisions\": [\"a1\"], \"depends_on\": [], "
        "\"branch_labels\": [\"left\"], \"message\": \"migration b2\", \"head\": false, "
        "\"branch_point\": false, \"merge_point\": false, \"applied\": true},\n"
        "    {\"revision\": \"c3\", \"down_revisions\": [\"a1\"], \"depends_on\": [], "
        "\"branch_labels\": [], \"message\": \"migration c3\", \"head\": false, "
        "\"branch_point\": false, \"merge_point\": false, \"applied\": false},\n"
        "    {\"revision\": \"d4\", \"down_revisions\": [\"b2\", \"c3\"], \"depends_on\": [], "
        "\"branch_labels\": [], \"message\": \"migration d4\", \"head\": true, "
        "\"branch_point\": false, \"merge_point\": true, \"applied\": false},\n"
        "    {\"revision\": \"e5\", \"down_revisions\": [], \"depends_on\": [\"c3\"], "
        "\"branch_labels\": [], \"message\": \"say \\\"hi\\\" \\\\ <b>#1</b> & \\u0001 "
        "caf\xc3\xa9 \\ufffd\", \"head\": true, \"branch_point\": false, \"merge_point\": "
        "false, \"applied\": false}\n"
        "  ],\n"
        "  \"heads\": [\"d4\", \"e5\"]\n"
        "}\n");
}

BOOST_AUTO_TEST_CASE(json_says_null_when_the_database_is_unknown) {
    const std::string json = render_graph(sample(), GraphFormat::kJson);

    BOOST_TEST(json.find("\"applied\": null}") != std::string::npos);
    BOOST_TEST(json.find("\"applied\": true") == std::string::npos);
    BOOST_TEST(json.find("\"applied\": false") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_empty_graph_is_still_valid_output) {
    const RevisionGraph empty(std::vector<Migration>{});

    BOOST_TEST(render_graph(empty, GraphFormat::kJson) ==
               "{\n  \"revisions\": [],\n  \"heads\": []\n}\n");
    BOOST_TEST(render_graph(empty, GraphFormat::kMermaid).rfind("graph BT\n", 0) == 0);
    BOOST_TEST(render_graph(empty, GraphFormat::kDot).find("digraph revisions {") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
