// Relative and symbolic targets on a linear history: +N, -N, REV+N, REV-N, base, stamp head.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// r1 <- r2 <- r3 <- r4, each creating table t_<rev>.
struct Chain {
    Chain() { p.write_chain({"r1", "r2", "r3", "r4"}); }
    std::string current() const { return p.run({"current"}).out; }
    std::vector<std::string> tables() const { return table_names(p.db()); }
    Project p;
};

BOOST_AUTO_TEST_SUITE(relative_targets)

BOOST_AUTO_TEST_CASE(plus_and_minus_steps_move_relative_to_the_current_revision) {
    Chain c;

    const RunResult one = c.p.run({"upgrade", "+1"});

    BOOST_TEST(one.exit_code == 0, one);
    BOOST_TEST(without_timings(one.err) == "Running upgrade  -> r1, 0001_r1 (N ms)\n");
    BOOST_TEST(c.current() == "r1\n");

    const RunResult two = c.p.run({"upgrade", "+2"});

    BOOST_TEST(two.exit_code == 0, two);
    BOOST_TEST(without_timings(two.err) ==
               "Running upgrade r1 -> r2, 0002_r2 (N ms)\n"
               "Running upgrade r2 -> r3, 0003_r3 (N ms)\n");
    BOOST_TEST(c.current() == "r3\n");
    BOOST_TEST(c.tables() == (std::vector<std::string>{"runner_version", "runner_version_log",
                                                       "t_r1", "t_r2", "t_r3"}),
               boost::test_tools::per_element());

    const RunResult back = c.p.run({"downgrade", "-1"});

    BOOST_TEST(back.exit_code == 0, back);
    BOOST_TEST(without_timings(back.err) == "Running downgrade r3 -> r2, 0003_r3 (N ms)\n");
    BOOST_TEST(c.current() == "r2\n");
    BOOST_TEST(c.tables() == (std::vector<std::string>{"runner_version", "runner_version_log",
                                                       "t_r1", "t_r2"}),
               boost::test_tools::per_element());

    const RunResult base = c.p.run({"downgrade", "base"});

    BOOST_TEST(base.exit_code == 0, base);
    BOOST_TEST(without_timings(base.err) ==
               "Running downgrade r2 -> r1, 0002_r2 (N ms)\n"
               "Running downgrade r1 -> , 0001_r1 (N ms)\n");
    BOOST_TEST(c.current() == "");
    BOOST_TEST(c.tables() == (std::vector<std::string>{"runner_version", "runner_version_log"}),
               boost::test_tools::per_element());
    BOOST_TEST(query_column(c.p.db(), "SELECT count(*) FROM runner_version") ==
                   std::vector<std::string>{"0"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(revision_plus_and_minus_steps_count_from_that_revision) {
    Chain c;
    BOOST_REQUIRE_EQUAL(c.p.run({"upgrade", "r1"}).exit_code, 0);

    const RunResult up = c.p.run({"upgrade", "r1+2"});

    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(c.current() == "r3\n");

    const RunResult down = c.p.run({"downgrade", "r3-2"});

    BOOST_TEST(down.exit_code == 0, down);
    BOOST_TEST(c.current() == "r1\n");

    const RunResult head_minus = c.p.run({"upgrade", "head-1"});

    BOOST_TEST(head_minus.exit_code == 0, head_minus);
    BOOST_TEST(c.current() == "r3\n");
}

BOOST_AUTO_TEST_CASE(steps_beyond_the_history_fail_without_touching_the_database) {
    Chain c;
    BOOST_REQUIRE_EQUAL(c.p.run({"upgrade", "+2"}).exit_code, 0);
    const std::string before = file_bytes(c.p.db());

    const RunResult up = c.p.run({"upgrade", "+3"});

    BOOST_TEST(up.exit_code == 1, up);
    BOOST_TEST(up.err == "runner: error: Relative revision +3 didn't produce 3 migrations\n");

    const RunResult down = c.p.run({"downgrade", "-3"});

    BOOST_TEST(down.exit_code == 1, down);
    BOOST_TEST(down.err == "runner: error: Relative revision -3 didn't produce 3 migrations\n");
    BOOST_TEST((file_bytes(c.p.db()) == before), "the database file changed");
    BOOST_TEST(c.current() == "r2\n");
}

BOOST_AUTO_TEST_CASE(stamp_head_records_head_without_running_any_migration) {
    Chain c;

    const RunResult r = c.p.run({"stamp", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.err == "Running stamp_revision  -> r4\n");
    BOOST_TEST(c.current() == "r4 (head)\n");
    BOOST_TEST(c.tables() == (std::vector<std::string>{"runner_version", "runner_version_log"}),
               boost::test_tools::per_element());
    BOOST_TEST(query_column(c.p.db(), "SELECT DISTINCT how FROM runner_version") ==
                   std::vector<std::string>{"stamp"},
               boost::test_tools::per_element());

    const RunResult nothing = c.p.run({"upgrade", "head"});

    BOOST_TEST(nothing.exit_code == 0, nothing);
    BOOST_TEST(contains(nothing.err, "Nothing to upgrade"), nothing);

    const RunResult base = c.p.run({"stamp", "base"});

    BOOST_TEST(base.exit_code == 0, base);
    BOOST_TEST(c.current() == "");
    BOOST_TEST(query_column(c.p.db(), "SELECT count(*) FROM runner_version") ==
                   std::vector<std::string>{"0"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
