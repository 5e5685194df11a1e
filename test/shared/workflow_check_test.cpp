// check, drift, rebless and stamp on every backend (the same code runs in integration_tests on
// SQLite and in pg_tests on PostgreSQL).
#include <boost/test/unit_test.hpp>

#include "workflow.hpp"

namespace runner::shared {
namespace {

using integration::contains;
using integration::RunResult;
using integration::starts_with;
using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(workflow)

BOOST_AUTO_TEST_CASE(check_exits_zero_at_head_three_when_pending_four_after_an_edit) {
    WorkflowProject p;
    p.write_chain({"a1", "b2", "c3"});

    RunResult r = p.run({"check"});
    BOOST_TEST(r.exit_code == 3, r);
    BOOST_TEST(r.out == "pending: 3 migrations not applied: a1, b2, c3\n", r);
    BOOST_TEST_REQUIRE(p.run({"upgrade", "b2"}).exit_code == 0);
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 3, r);
    BOOST_TEST(r.out == "pending: 1 migration not applied: c3\n", r);
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(starts_with(r.out, "ok: "), r);

    // An applied file edited (a different column type) is drift: check says which.
    p.migration("0002_b2", "b2", {"a1"}, "CREATE TABLE t_b2 (id integer primary key, name int);\n",
                "DROP TABLE t_b2;\n");
    const std::string before = p.db().fingerprint();
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 4, r);
    BOOST_TEST(starts_with(r.out, "drift: "), r);
    BOOST_TEST(contains(r.out, "0002_b2.up.sql"), r);
    BOOST_TEST(p.db().fingerprint() == before, "check wrote to the database");
}

BOOST_AUTO_TEST_CASE(an_edited_applied_migration_blocks_upgrade_until_reblessed) {
    WorkflowProject p;
    p.write_chain({"a1"});
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    p.migration("0001_a1", "a1", {},
                "CREATE TABLE t_a1 (id integer primary key, name text, x int);\n",
                "DROP TABLE t_a1;\n");
    p.migration("0002_b2", "b2", {"a1"}, "CREATE TABLE b (id integer);\n", "DROP TABLE b;\n");
    const std::string before = p.db().fingerprint();

    RunResult r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "an applied migration was edited since it ran: " + p.dir() +
                                   "/0001_a1.up.sql (revision a1, applied "),
               r);
    BOOST_TEST(contains(r.err, "'runner rebless a1 --reason \"...\"'"), r);
    BOOST_TEST(p.db().fingerprint() == before, "a refused upgrade changed the database");
    BOOST_TEST(p.run({"check"}).exit_code == 4);

    r = p.run({"rebless", "a1", "--reason", "added column x by hand"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().value("SELECT detail FROM runner_version_log WHERE action = 'rebless'") ==
               "added column x by hand");
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 3, r);  // b2 is pending, nothing edited any more
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    r = p.run({"check"});
    BOOST_TEST(r.exit_code == 0, r);
    r = p.run({"history", "--verbose", "-r", "a1:a1"});
    BOOST_TEST(contains(r.out, " rebless by "), r);
    BOOST_TEST(contains(r.out, ": added column x by hand\n"), r);
}

BOOST_AUTO_TEST_CASE(stamp_records_revisions_without_running_them) {
    WorkflowProject p;
    p.write_chain({"a1", "b2", "c3"});

    RunResult r = p.run({"stamp", "b2"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Running stamp_revision  -> b2"), r);
    BOOST_TEST(p.db().applied_how() == (Names{"a1 stamp", "b2 stamp"}));
    BOOST_TEST(!p.db().has_table("t_a1"), "stamp ran a migration");
    BOOST_TEST(p.run({"current"}).out == "b2\n");

    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Running upgrade b2 -> c3"), r);
    BOOST_TEST(!contains(r.err, "-> a1"), r);
    BOOST_TEST(p.db().has_table("t_c3"));

    // Stamping back down to a1 forgets b2 and c3 without running their down files.
    r = p.run({"stamp", "a1"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.db().applied() == Names{"a1"});
    BOOST_TEST(p.db().has_table("t_c3"), "stamp ran a down file");
    BOOST_TEST(p.run({"current"}).out == "a1\n");
}

BOOST_AUTO_TEST_CASE(stamp_purge_recovers_from_a_revision_no_file_declares) {
    WorkflowProject p;
    p.write_chain({"r1", "r2"});
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    p.db().exec(
        "INSERT INTO runner_version (revision, applied_at, duration_ms, checksum, how) "
        "VALUES ('ghost99', '2020-01-01 00:00:00', 0, NULL, 'upgrade')");
    const std::string before = p.db().fingerprint();

    for (const auto& args :
         std::vector<Names>{{"current"}, {"upgrade", "head"}, {"stamp", "head"}}) {
        const RunResult r = p.run(args);
        BOOST_TEST(r.exit_code == 1, r);
        BOOST_TEST(starts_with(r.err,
                               "runner: error: Can't locate revision identified by "
                               "'ghost99'"),
                   r);
        BOOST_TEST(contains(r.err, "stamp --purge"), r);
        BOOST_TEST(p.db().fingerprint() == before, args[0] << " changed the database");
    }

    const RunResult purge = p.run({"stamp", "--purge", "head"});

    BOOST_TEST(purge.exit_code == 0, purge);
    BOOST_TEST(p.db().applied() == (Names{"r1", "r2"}));
    BOOST_TEST(p.run({"current"}).out == "r2 (head)\n");
    BOOST_TEST(p.run({"check"}).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::shared
