// Failures on every backend (the same code runs in integration_tests on SQLite and in pg_tests on
// PostgreSQL): a failed migration leaves the database exactly as it was and logs `failed`, a
// failed --atomic run leaves nothing at all, and a non-transactional migration that stops
// part-way is recorded, resumed where it stopped, or resolved by hand.
#include <boost/test/unit_test.hpp>

#include "workflow.hpp"

namespace runner::shared {
namespace {

using integration::contains;
using integration::migration_header;
using integration::RunResult;
using integration::starts_with;
using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(workflow)

BOOST_AUTO_TEST_CASE(a_failing_migration_leaves_the_database_as_it_was_and_logs_failed) {
    WorkflowProject p;
    p.write_chain({"a1"});
    const std::string up =
        "CREATE TABLE two (id integer primary key, name text);\n"
        "INSERT INTO two VALUES (1, 'kept?');\n"
        "UPDATE t_a1 SET name = 'changed';\n"
        "INSERT INTO missing_table VALUES (1);\n";
    p.migration("0002_b2", "b2", {"a1"}, up, "DROP TABLE two;\n");
    p.migration("0003_c3", "c3", {"b2"}, "CREATE TABLE three (id integer);\n",
                "DROP TABLE three;\n");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);
    const std::string before = p.db().fingerprint();

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    const int line = integration::line_of(migration_header("0002_b2", "b2", {"a1"}) + up,
                                          "INSERT INTO missing_table");
    BOOST_TEST(starts_with(error_line(r), "runner: error: " + p.dir() +
                                              "/0002_b2.up.sql:" + std::to_string(line) + ": "),
               r);
    BOOST_TEST(contains(error_line(r), "missing_table"), r);
    BOOST_TEST(contains(r.err, "Running upgrade a1 -> b2, 0002_b2 ... failed\n"), r);
    BOOST_TEST(!contains(r.err, "-> c3"), r);
    BOOST_TEST(p.db().fingerprint() == before, "the failed migration left something behind");
    BOOST_TEST(p.db().value("SELECT name FROM t_a1") == "a1");
    BOOST_TEST(p.db().log_actions("b2") == Names{"failed"});
    BOOST_TEST(contains(p.db().value("SELECT detail FROM runner_version_log WHERE action = "
                                     "'failed'"),
                        "missing_table"));
    const RunResult check = p.run({"check"});
    BOOST_TEST(check.exit_code == 3, check);
}

BOOST_AUTO_TEST_CASE(a_failed_atomic_run_on_a_new_database_leaves_no_trace_at_all) {
    WorkflowProject p;
    p.write_chain({"a1", "b2"});
    p.migration("0003_c3", "c3", {"b2"}, "INSERT INTO t_a1 VALUES (1, 'duplicate key');\n",
                "SELECT 1;\n");
    const std::string before = p.db().fingerprint();

    const RunResult r = p.run({"upgrade", "head", "--atomic"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "0003_c3.up.sql:5: "), r);
    BOOST_TEST(contains(r.err, "Rolled back"), r);
    BOOST_TEST(p.db().fingerprint() == before, "no table or bookkeeping left behind");
    BOOST_TEST(p.db().tables().empty());
}

BOOST_AUTO_TEST_CASE(a_failed_atomic_run_rolls_back_every_step_of_the_plan) {
    WorkflowProject p;
    p.write_chain({"a1", "b2", "c3"});
    p.migration("0004_d4", "d4", {"c3"}, "UPDATE t_a1 SET name = 'x';\nSELECT * FROM nowhere;\n",
                "SELECT 1;\n");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);
    const std::string before = p.db().fingerprint();

    const RunResult r = p.run({"upgrade", "head", "--atomic"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "Rolled back"), r);
    BOOST_TEST(p.db().fingerprint() == before);
    BOOST_TEST(p.db().applied() == Names{"a1"});
    BOOST_TEST(!p.db().has_table("t_b2"));
    // The same plan without the failing step commits as one.
    p.migration("0004_d4", "d4", {"c3"}, "UPDATE t_a1 SET name = 'x';\n", "SELECT 1;\n");
    const RunResult ok = p.run({"upgrade", "head", "--atomic"});
    BOOST_TEST(ok.exit_code == 0, ok);
    BOOST_TEST(contains(ok.err, "Committed 3 steps in one transaction"), ok);
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2", "c3", "d4"}));
}

BOOST_AUTO_TEST_CASE(a_non_transactional_migration_stopped_part_way_resumes_where_it_stopped) {
    WorkflowProject p;
    p.write_chain({"a1"});
    const auto write_b2 = [&](const std::string& third) {
        p.migration("0002_b2", "b2", {"a1"},
                    "CREATE TABLE counted (n integer);\n"
                    "INSERT INTO counted VALUES (1);\n" +
                        third +
                        "\n"
                        "INSERT INTO counted VALUES (3);\n",
                    "DROP TABLE counted;\n", {"transactional: false"});
    };
    write_b2("INSERT INTO missing_table VALUES (2);");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);

    RunResult r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "0002_b2.up.sql:8: "), r);
    BOOST_TEST(contains(r.err, "before statement 3 stayed applied"), r);
    BOOST_TEST(p.db().column("SELECT n FROM counted ORDER BY n") == Names{"1"});
    BOOST_TEST(p.db().applied() == Names{"a1"});
    BOOST_TEST(p.db().value("SELECT revision || ' ' || direction || ' ' || statement || ' ' || "
                            "line FROM runner_version_partial") == "b2 upgrade 3 8");

    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 5, r);
    const std::string stopped = p.db().fingerprint();
    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "stopped at statement 3 (line 8)"), r);
    BOOST_TEST(contains(r.err, "--resume"), r);
    BOOST_TEST(p.db().fingerprint() == stopped, "a refused upgrade changed the database");

    // The failed statement corrected; --resume runs it and what follows, nothing twice.
    write_b2("INSERT INTO counted VALUES (2);");
    r = p.run({"upgrade", "head", "--resume"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().column("SELECT n FROM counted ORDER BY n") == (Names{"1", "2", "3"}));
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2"}));
    BOOST_TEST(p.db().value("SELECT count(*) FROM runner_version_partial") == "0");
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 0, r);
}

BOOST_AUTO_TEST_CASE(resolve_records_a_non_transactional_migration_finished_by_hand) {
    WorkflowProject p;
    p.write_chain({"a1"});
    p.migration("0002_b2", "b2", {"a1"},
                "CREATE TABLE by_hand (n integer);\nINSERT INTO by_hand VALUES (1);\n"
                "INSERT INTO missing_table VALUES (2);\n",
                "DROP TABLE by_hand;\n", {"transactional: false"});
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);
    RunResult r = p.run({"upgrade", "head"});
    BOOST_TEST_REQUIRE(r.exit_code == 1, r);
    BOOST_TEST(p.run({"check"}).exit_code == 5);

    p.db().exec("INSERT INTO by_hand VALUES (2)");  // what the DBA finished by hand
    r = p.run({"resolve", "b2"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Resolved upgrade of b2"), r);
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2"}));
    BOOST_TEST(p.db().value("SELECT count(*) FROM runner_version_partial") == "0");
    BOOST_TEST(p.db().log_actions("b2").back() == "resolve");
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().column("SELECT n FROM by_hand ORDER BY n") == (Names{"1", "2"}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::shared
