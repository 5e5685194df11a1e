// Tests of the files `revision --autogenerate` drafts: the template's header, then runner's
// generated SQL in place of the template's instructions.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "authoring/new_revision.hpp"
#include "authoring/script_template.hpp"
#include "migration/header.hpp"
#include "test_graphs.hpp"

namespace runner {
namespace {

NewRevision planned() {
    NewRevision n;
    n.revision = "cafe01";
    n.down_revisions = {"aaaa1111"};
    n.message = "add user preferences";
    return n;
}

const GeneratedBodies kBodies{"CREATE TABLE t (a);\n", "DROP TABLE t;\n"};

BOOST_AUTO_TEST_CASE(a_generated_draft_is_the_template_header_then_the_generated_sql) {
    const RevisionGraph graph = test::make_graph({{"aaaa1111"}});
    const Draft d = draft_files(graph, planned(), {std::string(kDefaultUpTemplate), "up"},
                                {std::string(kDefaultDownTemplate), "down"}, "2026-01-02 03:04:05",
                                "sql", &kBodies);
    BOOST_TEST(d.up_text ==
               "-- revision: cafe01\n-- down_revision: aaaa1111\n"
               "-- message: add user preferences\n-- create_date: 2026-01-02 03:04:05\n\n"
               "CREATE TABLE t (a);\n");
    BOOST_TEST(d.down_text ==
               "-- revision: cafe01\n-- down_revision: aaaa1111\n"
               "-- message: add user preferences\n-- create_date: 2026-01-02 03:04:05\n\n"
               "DROP TABLE t;\n");
}

BOOST_AUTO_TEST_CASE(a_template_that_is_only_a_header_gets_the_body_after_a_blank_line) {
    const RevisionGraph graph = test::make_graph({{"aaaa1111"}});
    const Template bare{"-- revision: ${revision}\n-- down_revision: ${down_revision}", "bare"};
    const Draft d = draft_files(graph, planned(), bare, bare, "d", "sql", &kBodies);
    BOOST_TEST(d.up_text ==
               "-- revision: cafe01\n-- down_revision: aaaa1111\n\nCREATE TABLE t (a);\n");
}

BOOST_AUTO_TEST_CASE(header_lines_a_template_adds_are_kept_and_its_comments_replaced) {
    const RevisionGraph graph = test::make_graph({{"aaaa1111"}});
    const Template custom{
        "-- revision: ${revision}\n-- down_revision: ${down_revision}\n"
        "-- transactional: false\n\n-- Team note: review with a DBA\nSELECT 1;\n",
        "custom"};
    const Draft d = draft_files(graph, planned(), custom, custom, "d", "sql", &kBodies);
    BOOST_TEST(d.up_text ==
               "-- revision: cafe01\n-- down_revision: aaaa1111\n-- transactional: false\n\n"
               "CREATE TABLE t (a);\n");
    BOOST_TEST(parse_header(d.up_text, "u").transactional == false);
}

}  // namespace
}  // namespace runner
