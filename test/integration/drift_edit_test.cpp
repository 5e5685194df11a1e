// Drift is an edit to what runs: comments, the header's message and whitespace are not drift;
// checksums recorded in the older line form stay valid and are renewed; --allow-drift runs
// anyway and says so in the audit log.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "support.hpp"

using namespace runner::integration;

namespace {

const std::string kUp =
    "-- revision: aaaa00000001\n-- down_revision:\n-- message: create t\n\n"
    "CREATE TABLE t (x TEXT, y INT);\nINSERT INTO t VALUES ('a  b -- not a comment', 1);\n";

void write_first(const Project& p, const std::string& up) {
    write_file(p.dir() + "/0001_t.up.sql", up);
    write_file(p.dir() + "/0001_t.down.sql",
               "-- revision: aaaa00000001\n-- down_revision:\n\nDROP TABLE t;\n");
}

void write_second(const Project& p) {
    write_migration(p.dir(), "0002_u", "bbbb00000002", {"aaaa00000001"}, "CREATE TABLE u (x);\n",
                    "DROP TABLE u;\n");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(drift_edits)

BOOST_AUTO_TEST_CASE(editing_comments_whitespace_or_the_message_is_not_drift) {
    Project p;
    write_first(p, kUp);
    BOOST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    write_first(p,
                "-- revision: aaaa00000001\n-- down_revision:\n"
                "-- message: create table t for the importer\n-- Note: reviewed by ops\n\n"
                "/* the table */\nCREATE TABLE t (\n    x TEXT,   -- free text\n    y INT\n);\n\n"
                "INSERT INTO t\n  VALUES ('a  b -- not a comment',\t1);  \n");

    const RunResult check = p.run({"check"});
    BOOST_TEST(check.exit_code == 0, check);
    write_second(p);
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST(up.exit_code == 0, up);
    const RunResult down = p.run({"downgrade", "-1"});
    BOOST_TEST(down.exit_code == 0, down);
}

BOOST_AUTO_TEST_CASE(editing_a_literal_or_a_statement_is_drift) {
    for (const std::string& edited : std::vector<std::string>{
             std::string("CREATE TABLE t (x TEXT, y INT);\nINSERT INTO t VALUES ('a b -- not a "
                         "comment', 1);\n"),
             std::string("CREATE TABLE t (x TEXT, y INT);\nINSERT INTO t VALUES ('a  b -- not a "
                         "comment', 2);\n"),
             std::string("CREATE TABLE t (x TEXT, y INTEGER);\nINSERT INTO t VALUES ('a  b -- not "
                         "a comment', 1);\n")}) {
        BOOST_TEST_CONTEXT(edited) {
            Project p;
            write_first(p, kUp);
            BOOST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
            write_first(p, "-- revision: aaaa00000001\n-- down_revision:\n\n" + edited);
            const RunResult check = p.run({"check"});
            BOOST_TEST(check.exit_code == 4, check);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_checksum_in_the_older_line_form_stays_valid_and_is_renewed) {
    Project p;
    p.write_chain({"aaaa00000001"});
    BOOST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    // What runner 0.1 stored for this file: SHA-256 of its lines, trailing blanks cut.
    const std::string old_form =
        "sha256:4548c43f2fa875cd3fce12412ad50da453216dcad3580207a88658f7209d8f89";
    exec_sql(p.db(), "UPDATE runner_version SET checksum = '" + old_form + "'");

    const RunResult check = p.run({"check"});
    BOOST_TEST(check.exit_code == 0, check);
    BOOST_TEST(query_column(p.db(), "SELECT checksum FROM runner_version") ==
               std::vector<std::string>{old_form});  // check only reads
    write_second(p);
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST(up.exit_code == 0, up);
    const auto renewed =
        query_column(p.db(), "SELECT checksum FROM runner_version WHERE revision = 'aaaa00000001'");
    BOOST_REQUIRE(renewed.size() == 1);
    BOOST_TEST(starts_with(renewed[0], "sql-sha256:"), renewed[0]);
    BOOST_TEST(p.run({"check"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_wrong_checksum_in_the_older_line_form_is_drift) {
    Project p;
    p.write_chain({"aaaa00000001"});
    BOOST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    exec_sql(p.db(), "UPDATE runner_version SET checksum = 'sha256:" + std::string(64, '0') + "'");

    const RunResult check = p.run({"check"});
    BOOST_TEST(check.exit_code == 4, check);
}

BOOST_AUTO_TEST_CASE(allow_drift_runs_anyway_and_records_it_in_the_audit_log) {
    Project p;
    write_first(p, kUp);
    BOOST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    write_first(p,
                "-- revision: aaaa00000001\n-- down_revision:\n\n"
                "CREATE TABLE t (x TEXT, y INT, z INT);\n");
    write_second(p);

    const RunResult refused = p.run({"upgrade", "head"});
    BOOST_TEST(refused.exit_code == 1, refused);
    BOOST_TEST(contains(refused.err, "--allow-drift"), refused);

    const RunResult up = p.run({"upgrade", "head", "--allow-drift"});
    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(contains(up.err, "warning: --allow-drift: an applied migration was edited"), up);
    BOOST_TEST(query_column(p.db(),
                            "SELECT revision || ' ' || action FROM runner_version_log "
                            "WHERE action = 'allow-drift'") ==
               std::vector<std::string>{"aaaa00000001 allow-drift"});
    const RunResult down = p.run({"downgrade", "-1", "--allow-drift"});
    BOOST_TEST(down.exit_code == 0, down);
    BOOST_TEST(query_column(p.db(),
                            "SELECT count(*) FROM runner_version_log "
                            "WHERE action = 'allow-drift'") == std::vector<std::string>{"2"});
    // Still drift for check: the override is for one run, not a rebless.
    BOOST_TEST(p.run({"check"}).exit_code == 4);
}

BOOST_AUTO_TEST_SUITE_END()
