// A migration leaves no trace or a precise one: transaction control is refused in transactional
// migrations, and non-transactional ones record where they stopped, in both directions.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

std::string error_line(const RunResult& r) {
    for (const auto& line : lines_of(r.err)) {
        if (starts_with(line, "runner: error: ")) {
            return line;
        }
    }
    return "";
}

// Runs `upgrade head` where r2's up file holds `statement` in the middle of a transactional
// migration, and checks it is refused with nothing of r2 left and the database as it was.
void check_transaction_control_refused(const std::string& statement) {
    Project p;
    write_migration(p.dir(), "0001_a", "r1", {}, "CREATE TABLE a (x);\n", "DROP TABLE a;\n");
    const std::string up = "CREATE TABLE b (x);\n" + statement +
                           "\nCREATE TABLE c (x);\nINSERT INTO nope VALUES (1);\n";
    write_migration(p.dir(), "0002_b", "r2", {"r1"}, up, "DROP TABLE b;\n");
    BOOST_REQUIRE(p.run({"upgrade", "r1"}).exit_code == 0);
    const std::string before = file_bytes(p.db());
    const int line = line_of(migration_header("0002_b", "r2", {"r1"}) + up, statement);

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(starts_with(error_line(r), "runner: error: " + p.dir() +
                                              "/0002_b.up.sql:" + std::to_string(line) + ": "),
               r);
    BOOST_TEST(contains(r.err, "transactional: false"), r);
    BOOST_TEST((file_bytes(p.db()) == before), "the database changed");
    BOOST_TEST(p.run({"current"}).out == "r1\n");
}

BOOST_AUTO_TEST_SUITE(precise_trace)

BOOST_AUTO_TEST_CASE(commit_in_a_transactional_migration_is_refused_before_it_runs) {
    check_transaction_control_refused("COMMIT;");
}

BOOST_AUTO_TEST_CASE(end_in_a_transactional_migration_is_refused_before_it_runs) {
    check_transaction_control_refused("END TRANSACTION;");
}

BOOST_AUTO_TEST_CASE(rollback_in_a_transactional_migration_is_refused_before_it_runs) {
    check_transaction_control_refused("ROLLBACK;");
}

BOOST_AUTO_TEST_CASE(begin_in_a_transactional_migration_is_refused_before_it_runs) {
    check_transaction_control_refused("BEGIN;");
}

BOOST_AUTO_TEST_CASE(commit_under_atomic_keeps_earlier_migrations_uncommitted) {
    Project p;
    write_migration(p.dir(), "0001_a", "r1", {}, "CREATE TABLE a (x);\n", "DROP TABLE a;\n");
    write_migration(p.dir(), "0002_b", "r2", {"r1"}, "CREATE TABLE b (x);\nCOMMIT;\n",
                    "DROP TABLE b;\n");

    const RunResult r = p.run({"upgrade", "head", "--atomic"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST((!file_exists(p.db()) || table_names(p.db()).empty()), "nothing stays committed");
}

BOOST_AUTO_TEST_CASE(savepoints_keep_working_in_transactional_migrations) {
    Project p;
    write_migration(p.dir(), "0001_a", "r1", {},
                    "CREATE TABLE a (x);\nSAVEPOINT s1;\nINSERT INTO a VALUES (1);\n"
                    "ROLLBACK TO s1;\nINSERT INTO a VALUES (2);\nRELEASE s1;\n",
                    "DROP TABLE a;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT x FROM a") == std::vector<std::string>{"2"});
}

// A non-transactional file with its own batches; the second batch fails in its middle.
const std::string kBatches =
    "CREATE TABLE a (x);\n"           // 1
    "BEGIN;\n"                        // 2
    "INSERT INTO a VALUES (1);\n"     // 3
    "COMMIT;\n"                       // 4
    "BEGIN;\n"                        // 5
    "INSERT INTO a VALUES (2);\n"     // 6
    "INSERT INTO nope VALUES (3);\n"  // 7
    "COMMIT;\n"                       // 8
    "INSERT INTO a VALUES (4);\n";    // 9

BOOST_AUTO_TEST_CASE(failing_user_batch_in_a_non_transactional_file_is_rolled_back_and_recorded) {
    Project p;
    write_migration(p.dir(), "0001_a", "r1", {}, kBatches, "DROP TABLE a;\n",
                    {"transactional: false"});

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(error_line(r), "no such table: nope"), r);
    BOOST_TEST(!contains(r.err, "within a transaction"), r);
    BOOST_TEST(contains(r.err, "statement 5"), r);
    BOOST_TEST(query_column(p.db(), "SELECT x FROM a ORDER BY x") == std::vector<std::string>{"1"});
    BOOST_TEST(p.run({"check"}).exit_code == 5);

    // Fixed: the batch runs again from its BEGIN.
    exec_sql(p.db(), "CREATE TABLE nope (x)");
    const RunResult resumed = p.run({"upgrade", "head", "--resume"});
    BOOST_TEST(resumed.exit_code == 0, resumed);
    BOOST_TEST(query_column(p.db(), "SELECT x FROM a ORDER BY x") ==
                   (std::vector<std::string>{"1", "2", "4"}),
               boost::test_tools::per_element());
    BOOST_TEST(p.run({"check"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(failing_user_batch_can_be_resolved_by_hand) {
    Project p;
    write_migration(p.dir(), "0001_a", "r1", {}, kBatches, "DROP TABLE a;\n",
                    {"transactional: false"});
    BOOST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 1);

    const RunResult r = p.run({"resolve", "r1"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.run({"check"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(resume_is_refused_when_statements_before_the_failed_one_were_edited) {
    Project p;
    write_migration(
        p.dir(), "0001_a", "r1", {},
        "CREATE TABLE a (x);\nINSERT INTO a VALUES (1);\nINSERT INTO nope VALUES (1);\n",
        "SELECT 1;\n", {"transactional: false"});
    BOOST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 1);
    // A statement inserted above the failed one: resuming at "statement 3" would skip the fix.
    write_migration(p.dir(), "0001_a", "r1", {},
                    "CREATE TABLE a (x);\nCREATE TABLE nope (x);\nINSERT INTO a VALUES (1);\n"
                    "INSERT INTO nope VALUES (1);\n",
                    "SELECT 1;\n", {"transactional: false"});
    const std::string before = file_bytes(p.db());

    const RunResult r = p.run({"upgrade", "head", "--resume"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "edited"), r);
    BOOST_TEST(contains(r.err, "runner resolve r1"), r);
    BOOST_TEST((file_bytes(p.db()) == before), "the database changed");
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM a") == std::vector<std::string>{"1"});
}

BOOST_AUTO_TEST_CASE(a_failed_record_of_a_revision_without_a_file_can_be_forgotten) {
    Project p;
    write_migration(p.dir(), "0001_a", "r1", {},
                    "CREATE TABLE a (x);\nINSERT INTO nope VALUES (1);\n", "SELECT 1;\n",
                    {"transactional: false"});
    BOOST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 1);
    // The file is replaced by one with another revision id.
    std::remove((p.dir() + "/0001_a.up.sql").c_str());
    std::remove((p.dir() + "/0001_a.down.sql").c_str());
    write_migration(p.dir(), "0001_b", "r9", {}, "CREATE TABLE b (x);\n", "DROP TABLE b;\n");

    const RunResult check = p.run({"check"});
    BOOST_TEST(check.exit_code == 5, check);
    BOOST_TEST(contains(check.out, "runner resolve --forget r1"), check);

    const RunResult forget = p.run({"resolve", "--forget", "r1"});
    BOOST_TEST(forget.exit_code == 0, forget);
    BOOST_TEST(p.run({"check"}).exit_code == 3, "now only r9 is pending");
    BOOST_TEST(p.run({"upgrade", "head"}).exit_code == 0);
    BOOST_TEST(p.run({"check"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(non_transactional_down_failing_halfway_is_recorded_as_stopped_part_way) {
    Project p;
    write_migration(p.dir(), "0001_a", "r1", {}, "CREATE TABLE a (x);\nCREATE TABLE b (x);\n",
                    "DROP TABLE b;\nINSERT INTO nope VALUES (1);\nDROP TABLE a;\n",
                    {"transactional: false"});
    BOOST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);

    const RunResult r = p.run({"downgrade", "base"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "before statement 2 stayed applied"), r);
    const RunResult check = p.run({"check"});
    BOOST_TEST(check.exit_code == 5, check);
    BOOST_TEST(contains(check.out, "downgrade of r1 stopped at statement 2"), check);
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST(up.exit_code == 1, "neither applied nor reverted: upgrade must not say done\n"
                                      << up);
    exec_sql(p.db(), "CREATE TABLE nope (x)");
    const RunResult resumed = p.run({"downgrade", "base", "--resume"});
    BOOST_TEST(resumed.exit_code == 0, resumed);
    BOOST_TEST(p.run({"current"}).out == "");
    BOOST_TEST(p.run({"check"}).exit_code == 3);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
