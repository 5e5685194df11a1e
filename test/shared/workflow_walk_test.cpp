// The daily commands on every backend (the same code runs in integration_tests on SQLite and in
// pg_tests on PostgreSQL): upgrade to head, +N and a revision, downgrade -1 and to base, current
// and history --verbose with applied times.
#include <boost/test/unit_test.hpp>

#include "workflow.hpp"

namespace runner::shared {
namespace {

using integration::contains;
using integration::lines_of;
using integration::RunResult;
using integration::starts_with;
using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(workflow)

BOOST_AUTO_TEST_CASE(upgrade_by_revision_by_steps_and_to_head_applies_exactly_what_it_names) {
    WorkflowProject p;
    p.write_chain({"a1", "b2", "c3", "d4"});

    RunResult r = p.run({"upgrade", "b2"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Running upgrade  -> a1"), r);
    BOOST_TEST(contains(r.err, "Running upgrade a1 -> b2"), r);
    BOOST_TEST(!contains(r.err, "-> c3"), r);
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2"}));
    BOOST_TEST(p.db().value("SELECT name FROM t_b2 WHERE id = 1") == "b2");
    BOOST_TEST(!p.db().has_table("t_c3"));
    BOOST_TEST(p.run({"current"}).out == "b2\n");

    r = p.run({"upgrade", "+1"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Running upgrade b2 -> c3"), r);
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2", "c3"}));

    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Running upgrade c3 -> d4"), r);
    BOOST_TEST(lines_of(r.err).size() == 1u, r);
    BOOST_TEST(p.run({"current"}).out == "d4 (head)\n");
    BOOST_TEST(p.db().has_table("t_d4"));

    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(starts_with(r.err, "Nothing to upgrade"), r);
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2", "c3", "d4"}));
    for (const auto& rev : Names{"a1", "b2", "c3", "d4"}) {
        BOOST_TEST(p.db().log_actions(rev) == Names{"upgrade"}, rev);
    }
}

BOOST_AUTO_TEST_CASE(upgrade_plus_two_from_the_base_applies_two) {
    WorkflowProject p;
    p.write_chain({"a1", "b2", "c3"});

    const RunResult r = p.run({"upgrade", "+2"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2"}));
    BOOST_TEST(p.run({"current"}).out == "b2\n");
}

BOOST_AUTO_TEST_CASE(downgrade_one_step_then_to_base_runs_the_down_files_newest_first) {
    WorkflowProject p;
    p.write_chain({"a1", "b2", "c3"});
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);

    RunResult r = p.run({"downgrade", "-1"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(
        integration::without_timings(r.err) == "Running downgrade c3 -> b2, 0003_c3 (N ms)\n", r);
    BOOST_TEST(!p.db().has_table("t_c3"));
    BOOST_TEST(p.db().applied() == (Names{"a1", "b2"}));
    BOOST_TEST(p.run({"current"}).out == "b2\n");

    r = p.run({"downgrade", "base"});
    BOOST_TEST(r.exit_code == 0, r);
    const auto lines = lines_of(integration::without_timings(r.err));
    BOOST_TEST(lines == (Names{"Running downgrade b2 -> a1, 0002_b2 (N ms)",
                               "Running downgrade a1 -> , 0001_a1 (N ms)"}),
               r);
    BOOST_TEST(p.db().applied().empty());
    BOOST_TEST(p.db().tables() == (Names{"runner_version", "runner_version_log"}),
               "only runner's bookkeeping is left");
    r = p.run({"current"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out == "");
    BOOST_TEST(p.db().log_actions("a1") == (Names{"upgrade", "downgrade"}));
}

BOOST_AUTO_TEST_CASE(history_verbose_says_when_each_revision_was_applied_and_by_whom) {
    WorkflowProject p;
    p.write_chain({"a1", "b2", "c3"});
    BOOST_TEST_REQUIRE(p.run({"upgrade", "b2"}).exit_code == 0);

    const RunResult r = p.run({"history", "--verbose"});

    BOOST_TEST(r.exit_code == 0, r);
    int applied = 0;
    for (const auto& line : lines_of(r.out)) {
        if (starts_with(line, "Applied: ") && line != "Applied: no") {
            ++applied;
            // "Applied: YYYY-MM-DD HH:MM:SS UTC in N ms"
            BOOST_TEST(line.size() > 36u, line);
            BOOST_TEST(line.substr(9, 2) == "20", line);
            BOOST_TEST(line.substr(13, 1) == "-", line);
            BOOST_TEST(line.substr(28, 8) == " UTC in ", line);
        }
    }
    BOOST_TEST(applied == 2, r);
    BOOST_TEST(contains(r.out, "Rev: c3 (head)\n"), r);
    BOOST_TEST(contains(r.out, "Applied: no\n"), r);
    BOOST_TEST(contains(r.out, " upgrade by "), r);
    const RunResult plain = p.run({"history", "-i"});
    BOOST_TEST(contains(plain.out, "a1 -> b2 (current)"), plain);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::shared
