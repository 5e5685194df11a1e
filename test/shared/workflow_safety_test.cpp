// Deploy safety on every backend (the same code runs in integration_tests on SQLite and in
// pg_tests on PostgreSQL): what is refused before it runs, what reading commands leave alone,
// concurrent runners, a non-transactional downgrade that stops part-way, and runner's tables
// named in the config file.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>

#include "workflow.hpp"

namespace runner::shared {
namespace {

using integration::contains;
using integration::RunResult;
using integration::starts_with;
using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(workflow)

BOOST_AUTO_TEST_CASE(a_failing_first_migration_leaves_a_new_database_as_it_was) {
    WorkflowProject p;
    p.migration("0001_a1", "a1", {},
                "CREATE TABLE t_a1 (id integer primary key, name text);\n"
                "INSERT INTO nowhere VALUES (1);\n",
                "DROP TABLE t_a1;\n");
    const std::string before = p.db().fingerprint();

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "0001_a1.up.sql:6: "), r);
    BOOST_TEST(p.db().fingerprint() == before, "the failed run left tables behind");
    BOOST_TEST(p.db().tables().empty());
}

BOOST_AUTO_TEST_CASE(reading_commands_never_change_the_database) {
    WorkflowProject p;
    p.write_chain({"a1", "b2"});
    const auto read_everything = [&](const std::string& when) {
        const std::string before = p.db().fingerprint();
        for (const auto& args : std::vector<Names>{{"current", "-v"},
                                                   {"check"},
                                                   {"history", "--verbose"},
                                                   {"heads", "-v"},
                                                   {"branches"},
                                                   {"show", "a1"},
                                                   {"graph", "--format", "json"}}) {
            const RunResult r = p.run(args);
            BOOST_TEST(r.exit_code != 1, r);
            BOOST_TEST(r.exit_code != 2, r);
            BOOST_TEST(p.db().fingerprint() == before, args[0] << " changed the database " << when);
        }
    };
    read_everything("before the first upgrade");
    BOOST_TEST(p.db().tables().empty());
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);
    read_everything("after an upgrade");
}

BOOST_AUTO_TEST_CASE(transaction_control_in_a_transactional_migration_is_refused) {
    WorkflowProject p;
    p.write_chain({"a1"});
    p.migration("0002_b2", "b2", {"a1"}, "BEGIN;\nCREATE TABLE b (id integer);\nCOMMIT;\n",
                "DROP TABLE b;\n");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);
    const std::string before = p.db().fingerprint();

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "0002_b2.up.sql:5: "), r);
    BOOST_TEST(contains(r.err, "transactional: false"), r);
    BOOST_TEST(p.db().fingerprint() == before);
    BOOST_TEST(!p.db().has_table("b"));
}

BOOST_AUTO_TEST_CASE(savepoints_work_inside_a_transactional_migration) {
    WorkflowProject p;
    p.write_chain({"a1"});
    p.migration("0002_b2", "b2", {"a1"},
                "SAVEPOINT s;\nINSERT INTO t_a1 VALUES (2, 'undone');\nROLLBACK TO s;\n"
                "INSERT INTO t_a1 VALUES (3, 'kept');\nRELEASE s;\n",
                "DELETE FROM t_a1 WHERE id = 3;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().column("SELECT name FROM t_a1 ORDER BY id") == (Names{"a1", "kept"}));
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2"}));
}

BOOST_AUTO_TEST_CASE(a_migration_that_writes_runners_own_tables_is_refused_before_it_runs) {
    WorkflowProject p;
    p.write_chain({"a1"});
    p.migration("0002_b2", "b2", {"a1"},
                "CREATE TABLE b (id integer);\nDELETE FROM runner_version_log;\n",
                "DROP TABLE b;\n");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);
    const std::string before = p.db().fingerprint();

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "0002_b2.up.sql:6: "), r);
    BOOST_TEST(contains(error_line(r), "runner's own bookkeeping table"), r);
    BOOST_TEST(p.db().fingerprint() == before);
    BOOST_TEST(p.db().log_actions("a1") == Names{"upgrade"}, "the audit log was emptied");
}

BOOST_AUTO_TEST_CASE(a_file_ending_inside_a_comment_is_refused_before_anything_runs) {
    WorkflowProject p;
    p.write_chain({"a1"});
    p.migration("0002_b2", "b2", {"a1"}, "CREATE TABLE b (id integer);\n/* never closed\n",
                "DROP TABLE b;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "0002_b2.up.sql:6: the file ends inside the /* comment"), r);
    BOOST_TEST(p.db().tables().empty(), "a1 ran although the plan was refused");
}

BOOST_AUTO_TEST_CASE(a_non_transactional_downgrade_stopped_part_way_resumes_where_it_stopped) {
    WorkflowProject p;
    p.write_chain({"a1"});
    const auto write_b2 = [&](const std::string& second) {
        p.migration("0002_b2", "b2", {"a1"},
                    "CREATE TABLE b (id integer);\nCREATE TABLE c (id integer);\n",
                    "DROP TABLE c;\n" + second + "\nDROP TABLE b;\n", {"transactional: false"});
    };
    write_b2("DROP TABLE nothere;");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);

    RunResult r = p.run({"downgrade", "base"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "0002_b2.down.sql:7: "), r);
    BOOST_TEST(!p.db().has_table("c"));
    BOOST_TEST(p.db().has_table("b"));
    BOOST_TEST(p.db().has_table("t_a1"), "the downgrade went on past the failure");
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 5, r);
    BOOST_TEST(starts_with(r.out, "failed: downgrade of b2 stopped at statement 2 (line 7)"), r);
    BOOST_TEST(p.run({"current"}).out == "b2 (head)\n");

    write_b2("DROP TABLE IF EXISTS nothere;");
    r = p.run({"downgrade", "base", "--resume"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().applied().empty());
    BOOST_TEST(!p.db().has_table("b"));
    BOOST_TEST(!p.db().has_table("t_a1"));
    BOOST_TEST(p.db().value("SELECT count(*) FROM runner_version_partial") == "0");
}

BOOST_AUTO_TEST_CASE(an_offline_script_from_the_current_revision_applies_only_what_is_missing) {
    WorkflowProject p;
    p.write_chain({"a1", "b2", "c3"});
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);

    const RunResult script = p.run({"upgrade", "head", "--sql"});

    BOOST_TEST_REQUIRE(script.exit_code == 0, script);
    BOOST_TEST(!contains(script.out, "CREATE TABLE t_a1"), script.out);
    BOOST_TEST(p.db().applied() == Names{"a1"}, "--sql ran something");
    const RunResult applied = p.db().apply_script(script.out, p.root());
    BOOST_TEST(applied.exit_code == 0, applied);
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2", "c3"}));
    BOOST_TEST(p.db().value("SELECT name FROM t_c3") == "c3");
    BOOST_TEST(p.run({"check"}).exit_code == 0);
    BOOST_TEST(p.run({"current"}).out == "c3 (head)\n");
}

BOOST_AUTO_TEST_CASE(allow_drift_runs_despite_an_edited_file_and_logs_it) {
    WorkflowProject p;
    p.write_chain({"a1", "b2"});
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);
    p.migration("0001_a1", "a1", {}, "CREATE TABLE t_a1 (id integer primary key, other text);\n",
                "DROP TABLE t_a1;\n");

    const RunResult r = p.run({"upgrade", "head", "--allow-drift"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "0001_a1.up.sql"), r);
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2"}));
    BOOST_TEST(p.db().log_actions("a1") == (Names{"upgrade", "allow-drift"}));
}

BOOST_AUTO_TEST_CASE(version_table_in_the_config_file_names_runners_tables) {
    WorkflowProject p;
    p.write_chain({"a1"});
    integration::write_file(p.path("runner.ini"), "[runner]\nversion_table = deploy_versions\n");

    RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().tables() == (Names{"deploy_versions", "deploy_versions_log", "t_a1"}));
    BOOST_TEST(p.db().column("SELECT revision FROM deploy_versions") == Names{"a1"});
    BOOST_TEST(p.run({"current"}).out == "a1 (head)\n");
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 0, r);
}

BOOST_AUTO_TEST_CASE(runners_started_at_once_apply_each_migration_exactly_once) {
    WorkflowProject p;
    p.migration("1000_log", "m100", {}, "CREATE TABLE applied_log (rev text NOT NULL);\n",
                "DROP TABLE applied_log;\n");
    Names parent{"m100"};
    constexpr int kMigrations = 6;
    for (int i = 1; i <= kMigrations; ++i) {
        const std::string rev = "m" + std::to_string(100 + i);
        // Not idempotent: a second run adds a second row (and the ALTER fails outright).
        p.migration(std::to_string(1000 + i) + "_" + rev, rev, parent,
                    "INSERT INTO applied_log (rev) VALUES ('" + rev + "');\n" +
                        "ALTER TABLE applied_log ADD COLUMN c_" + rev + " integer;\n",
                    "ALTER TABLE applied_log DROP COLUMN c_" + rev + ";\n");
        parent = {rev};
    }
    integration::StartGate gate;
    std::vector<std::unique_ptr<integration::ChildProcess>> runners;
    for (int k = 0; k < 4; ++k) {
        auto options = integration::runner_options(
            {"--db", p.db().url(), "--dir", p.dir(), "--lock-timeout", "60", "upgrade", "head"},
            p.root());
        options.gate = &gate;
        options.timeout = std::chrono::seconds(120);
        runners.push_back(std::make_unique<integration::ChildProcess>(options));
    }
    gate.open();
    for (auto& child : runners) {
        const RunResult r = child->wait();
        BOOST_TEST(r.exit_code == 0, r);
    }

    BOOST_TEST(p.db().value("SELECT count(*) FROM applied_log") == std::to_string(kMigrations));
    BOOST_TEST(p.db().value("SELECT count(DISTINCT rev) FROM applied_log") ==
               std::to_string(kMigrations));
    BOOST_TEST(p.db().applied().size() == std::size_t{kMigrations + 1});
    BOOST_TEST(p.db().value("SELECT count(*) FROM runner_version_log WHERE action = 'upgrade'") ==
               std::to_string(kMigrations + 1));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::shared
