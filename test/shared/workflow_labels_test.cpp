// Branch labels, depends_on, JSON output and non-ASCII text on every backend (the same code runs
// in integration_tests on SQLite and in pg_tests on PostgreSQL).
#include <boost/test/unit_test.hpp>

#include "workflow.hpp"

namespace runner::shared {
namespace {

using integration::contains;
using integration::lines_of;
using integration::RunResult;
using integration::starts_with;
using Names = std::vector<std::string>;

// a1 <- b2 on the main line; c3 a root of its own, labelled `other`, that depends on a1.
void write_labelled(const WorkflowProject& p) {
    p.migration("0001_a", "a1", {},
                "CREATE TABLE a (id integer primary key, name text);\n"
                "INSERT INTO a VALUES (1, 'grüße ✓ 東京');\n",
                "DROP TABLE a;\n");
    p.migration("0002_b", "b2", {"a1"}, "CREATE TABLE b (id integer);\n", "DROP TABLE b;\n");
    p.migration("0003_c", "c3", {}, "CREATE TABLE c (id integer);\n", "DROP TABLE c;\n",
                {"depends_on: a1", "branch_labels: other"});
}

BOOST_AUTO_TEST_SUITE(workflow)

BOOST_AUTO_TEST_CASE(a_label_target_applies_its_branch_and_what_it_depends_on_only) {
    WorkflowProject p;
    write_labelled(p);

    RunResult r = p.run({"upgrade", "other@head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(lines_of(integration::without_timings(r.err)) ==
                   (Names{"Running upgrade  -> a1, 0001_a (N ms)",
                          "Running upgrade  -> c3, 0003_c (N ms)"}),
               r);
    BOOST_TEST(p.db().applied() == (Names{"a1", "c3"}));
    BOOST_TEST(!p.db().has_table("b"));
    BOOST_TEST(p.db().value("SELECT name FROM a") == "grüße ✓ 東京");
    r = p.run({"current", "-v"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "Rev: c3 (head)\n"), r);
    BOOST_TEST(contains(r.out, "Also depends on: a1\n"), r);
    BOOST_TEST(contains(r.out, "Branch names: other\n"), r);

    r = p.run({"check", "--format", "json"});
    BOOST_TEST(r.exit_code == 3, r);
    BOOST_TEST(contains(r.out, "\"status\":\"pending\",\"exit_code\":3,"), r);
    BOOST_TEST(contains(r.out,
                        "\"current\":[\"a1\",\"c3\"],\"heads\":[\"b2\",\"c3\"],"
                        "\"pending\":[\"b2\"],\"drift\":[],\"failed\":[]"),
               r);

    r = p.run({"upgrade", "heads", "--format", "json"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out,
                        "\"ok\":true,\"nothing_to_do\":false,\"steps\":[{\"revision\":"
                        "\"b2\",\"down_revisions\":[\"a1\"],\"message\":\"0002_b\","
                        "\"direction\":\"upgrade\",\"status\":\"done\""),
               r);
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2", "c3"}));

    // Down to a1 reverts b2 only: c3 depends on a1 but does not descend from it.
    r = p.run({"downgrade", "a1"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().applied() == (Names{"a1", "c3"}));
    BOOST_TEST(p.db().has_table("c"));
}

BOOST_AUTO_TEST_CASE(a_failed_step_in_json_names_the_error_and_changes_nothing) {
    WorkflowProject p;
    write_labelled(p);
    p.migration("0004_d", "d4", {"b2"}, "CREATE TABLE d (id integer);\nSELECT * FROM nowhere;\n",
                "DROP TABLE d;\n");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "b2"}).exit_code == 0);
    const std::string before = p.db().fingerprint();

    const RunResult r = p.run({"upgrade", "d4", "--format", "json"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.out, "\"ok\":false"), r);
    BOOST_TEST(contains(r.out, "\"steps\":[]"), r);  // only steps that completed and were kept
    BOOST_TEST(contains(r.out, "\"error\":\"" + p.dir() + "/0004_d.up.sql:6: "), r);
    BOOST_TEST(contains(r.out, "\"exit_code\":1"), r);
    BOOST_TEST(p.db().fingerprint() == before);
    BOOST_TEST(p.db().log_actions("d4") == Names{"failed"});
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::shared
