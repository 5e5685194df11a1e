// Branches, merges, offline scripts and bad targets on every backend (the same code runs in
// integration_tests on SQLite and in pg_tests on PostgreSQL).
#include <boost/test/unit_test.hpp>

#include "workflow.hpp"

namespace runner::shared {
namespace {

using integration::contains;
using integration::lines_of;
using integration::RunResult;
using integration::starts_with;
using Names = std::vector<std::string>;

// root -> (left, right), each creating a table with a row.
void write_fork(const WorkflowProject& p) {
    p.migration("0001_root", "root01", {},
                "CREATE TABLE root (id integer primary key, name text);\n"
                "INSERT INTO root VALUES (1, 'root');\n",
                "DROP TABLE root;\n");
    p.migration("0002_left", "left02", {"root01"},
                "CREATE TABLE lft (id integer primary key, name text);\n"
                "INSERT INTO lft SELECT id, 'left' FROM root;\n",
                "DROP TABLE lft;\n");
    p.migration("0003_right", "right03", {"root01"},
                "CREATE TABLE rgt (id integer primary key, name text);\n"
                "INSERT INTO rgt SELECT id, 'right' FROM root;\n",
                "DROP TABLE rgt;\n");
}

// The tables that are not runner's bookkeeping (an offline script creates all of runner's up
// front, the online run its partial-progress table only when needed).
Names user_tables(const WorkflowProject& p) {
    Names out;
    for (const auto& t : p.db().tables()) {
        if (!starts_with(t, "runner_")) {
            out.push_back(t);
        }
    }
    return out;
}

BOOST_AUTO_TEST_SUITE(workflow)

BOOST_AUTO_TEST_CASE(upgrade_heads_applies_both_branches_and_merge_joins_them) {
    WorkflowProject p;
    write_fork(p);

    RunResult r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "Multiple head revisions"), r);
    BOOST_TEST(p.db().applied().empty());

    r = p.run({"branches"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(starts_with(r.out, "root01 (branchpoint)\n"), r);
    BOOST_TEST(contains(r.out, "-> left02"), r);
    BOOST_TEST(contains(r.out, "-> right03"), r);

    r = p.run({"upgrade", "heads"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().applied() == (Names{"left02", "right03", "root01"}));
    BOOST_TEST(p.db().value("SELECT name FROM rgt") == "right");
    r = p.run({"current"});
    BOOST_TEST(lines_of(r.out) == (Names{"left02 (head)", "right03 (head)"}), r);

    // merge writes the pair that joins the heads; upgrade head then applies it alone.
    r = p.run({"merge", "heads", "-m", "join left and right", "--rev-id", "merge04"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "_join_left_and_right.up.sql\n"), r);
    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Running upgrade left02, right03 -> merge04"), r);
    BOOST_TEST(p.run({"current"}).out == "merge04 (head) (mergepoint)\n");
    BOOST_TEST(p.run({"check"}).exit_code == 0);

    // Down to one branch's tip reverts the merge only: the other branch does not descend from
    // it; down to the branch point then reverts both branches.
    r = p.run({"downgrade", "left02"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Running downgrade merge04 -> left02, right03"), r);
    BOOST_TEST(p.db().applied() == (Names{"left02", "right03", "root01"}));
    r = p.run({"downgrade", "root01"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().applied() == Names{"root01"});
    BOOST_TEST(!p.db().has_table("rgt"));
    BOOST_TEST(!p.db().has_table("lft"));
    BOOST_TEST(p.db().has_table("root"));
}

BOOST_AUTO_TEST_CASE(upgrade_of_one_branch_leaves_the_other_pending) {
    WorkflowProject p;
    write_fork(p);

    RunResult r = p.run({"upgrade", "right03"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().applied() == (Names{"right03", "root01"}));
    BOOST_TEST(!p.db().has_table("lft"));
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 3, r);
    BOOST_TEST(r.out == "pending: 1 migration not applied: left02\n", r);
}

BOOST_AUTO_TEST_CASE(an_offline_script_migrates_the_database_like_the_online_run) {
    WorkflowProject online;
    WorkflowProject offline;
    for (const auto* p : {&online, &offline}) {
        write_fork(*p);
        p->migration("0004_merge", "merge04", {"left02", "right03"},
                     "UPDATE root SET name = 'merged';\n", "UPDATE root SET name = 'root';\n");
    }
    BOOST_TEST_REQUIRE(online.run({"upgrade", "head"}).exit_code == 0);

    const RunResult script = offline.run({"upgrade", "head", "--sql"});
    BOOST_TEST(script.exit_code == 0, script);
    BOOST_TEST(offline.db().tables().empty(), "--sql only prints");
    RunResult applied = offline.db().apply_script(script.out, offline.root());
    BOOST_TEST(applied.exit_code == 0, applied);

    BOOST_TEST(offline.db().applied() == online.db().applied());
    BOOST_TEST(user_tables(offline) == user_tables(online));
    BOOST_TEST(offline.db().value("SELECT name FROM root") == "merged");
    BOOST_TEST(offline.db().value("SELECT name FROM lft") == "left");
    BOOST_TEST(offline.run({"current"}).out == "merge04 (head) (mergepoint)\n");
    RunResult check = offline.run({"check"});
    BOOST_TEST(check.exit_code == 0, check);

    // Down again offline: the FROM:TO script and the online downgrade agree too.
    BOOST_TEST_REQUIRE(online.run({"downgrade", "root01"}).exit_code == 0);
    const RunResult down = offline.run({"downgrade", "merge04:root01", "--sql"});
    BOOST_TEST_REQUIRE(down.exit_code == 0, down);
    applied = offline.db().apply_script(down.out, offline.root());
    BOOST_TEST(applied.exit_code == 0, applied);
    BOOST_TEST(offline.db().applied() == Names{"root01"});
    BOOST_TEST(offline.db().applied() == online.db().applied());
    BOOST_TEST(user_tables(offline) == user_tables(online));
    BOOST_TEST(offline.db().value("SELECT name FROM root") == "root");
}

BOOST_AUTO_TEST_CASE(a_failing_offline_script_stops_with_that_migration_rolled_back) {
    WorkflowProject p;
    p.write_chain({"a1"});
    p.migration("0002_b2", "b2", {"a1"},
                "CREATE TABLE b (id integer);\nINSERT INTO missing_table VALUES (1);\n",
                "DROP TABLE b;\n");
    p.migration("0003_c3", "c3", {"b2"}, "CREATE TABLE c (id integer);\n", "DROP TABLE c;\n");
    const RunResult script = p.run({"upgrade", "head", "--sql"});
    BOOST_TEST_REQUIRE(script.exit_code == 0, script);

    const RunResult applied = p.db().apply_script(script.out, p.root());

    BOOST_TEST(applied.exit_code != 0, applied);
    BOOST_TEST(p.db().applied() == Names{"a1"});
    BOOST_TEST(!p.db().has_table("b"));
    BOOST_TEST(!p.db().has_table("c"), "the script went on after the failure");
}

BOOST_AUTO_TEST_CASE(bad_targets_are_refused_with_the_database_unchanged) {
    WorkflowProject p;
    p.write_chain({"a1", "b2"});
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);
    const std::string before = p.db().fingerprint();

    struct Case {
        Names args;
        int exit_code;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"upgrade", "zz99"}, 1, "Can't locate revision identified by 'zz99'"},
        {{"upgrade", "+5"}, 1, "Relative revision +5 didn't produce 5 migrations"},
        {{"downgrade", "-3"}, 1, "Relative revision -3 didn't produce 3 migrations"},
        {{"downgrade", "b2"}, 1, "Destination b2 is not a valid downgrade target"},
        {{"upgrade"}, 2, "missing argument TARGET"},
        {{"upgrade", "head", "--no-such-option"}, 2, "--no-such-option"},
        {{"stamp", "nosuch1"}, 1, "Can't locate revision identified by 'nosuch1'"},
    };
    for (const auto& c : cases) {
        const RunResult r = p.run(c.args);
        BOOST_TEST_CONTEXT(c.args[0] << " " << (c.args.size() > 1 ? c.args[1] : "")) {
            BOOST_TEST(r.exit_code == c.exit_code, r);
            BOOST_TEST(starts_with(r.err, "runner: error: "), r);
            BOOST_TEST(contains(r.err, c.message), r);
            BOOST_TEST(p.db().fingerprint() == before, "the database changed");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::shared
