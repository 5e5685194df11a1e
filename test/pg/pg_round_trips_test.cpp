// What the fewer round trips per migration must not change: runner restores the session settings
// a migration changed before its next transaction starts (sent together with the BEGIN), and the
// bookkeeping writes a step sends together fail as one would alone, leaving the migration rolled
// back and the connection usable for what comes after.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "db/postgres/pg_touch.hpp"
#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::write_migration;

BOOST_AUTO_TEST_SUITE(pg_round_trips)

BOOST_AUTO_TEST_CASE(a_migration_that_makes_new_transactions_read_only_does_not_stop_the_next) {
    // The setting only decides how transactions that start later behave: runner's next
    // transaction must start after the settings were restored, not before.
    PgProject p;
    write_migration(p.dir(), "0001_a1", "a1", {},
                    "SET default_transaction_read_only = on;\nCREATE TABLE a (x integer);\n",
                    "DROP TABLE a;\n");
    write_migration(p.dir(), "0002_b2", "b2", {"a1"}, "CREATE TABLE b (x integer);\n",
                    "DROP TABLE b;\n");
    write_migration(p.dir(), "0003_c3", "c3", {"b2"},
                    "SET default_transaction_isolation = 'serializable';\n"
                    "SET search_path = pg_catalog;\nCREATE TABLE public.c (x integer);\n",
                    "DROP TABLE public.c;\n");
    write_migration(p.dir(), "0004_d4", "d4", {"c3"},
                    "CREATE TABLE d (iso text, zone text);\n"
                    "INSERT INTO d VALUES (current_setting('transaction_isolation'), "
                    "current_setting('TimeZone'));\n",
                    "DROP TABLE d;\n");
    const auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.applied() == (std::vector<std::string>{"a1", "b2", "c3", "d4"}));
    BOOST_TEST(p.tables() == (std::vector<std::string>{"a", "b", "c", "d", "runner_version",
                                                       "runner_version_log"}));
    // d4 ran with the server's defaults again (read committed) and in the public schema.
    BOOST_TEST(p.value("SELECT iso FROM d") == "read committed");
    BOOST_TEST(p.value("SELECT zone FROM d") == "UTC");
    // Down again through the same settings.
    const auto down = p.run({"downgrade", "base"});
    BOOST_TEST(down.exit_code == 0, down);
    BOOST_TEST(p.applied().empty());
}

BOOST_AUTO_TEST_CASE(a_bookkeeping_write_that_fails_rolls_the_migration_back_and_is_named) {
    // A trigger of the DBA's refuses new rows in the version table: the record of the step fails
    // among the writes sent together. The migration is undone, the error says what was being
    // recorded and what the server said, and the connection still writes the failure's entry.
    PgProject p;
    p.write_chain({"a1", "b2"});
    auto r = p.run({"upgrade", "a1"});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r);
    p.exec(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
        "'frozen by the DBA' USING HINT = 'ask before deploying'; END $$;\n"
        "CREATE TRIGGER frozen BEFORE INSERT ON runner_version FOR EACH ROW EXECUTE FUNCTION "
        "refuse();\n");
    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "recording revision b2 in runner_version"), r);
    BOOST_TEST(contains(r.err, "frozen by the DBA"), r);
    BOOST_TEST(contains(r.err, "ask before deploying"), r);
    BOOST_TEST(p.applied() == (std::vector<std::string>{"a1"}));
    BOOST_TEST(p.value("SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 't_b2'") ==
               "0");
    BOOST_TEST(p.value("SELECT count(*) FROM runner_version_log WHERE revision = 'b2' AND "
                       "action = 'failed'") == "1");
    // Once the trigger is gone the same command finishes the job.
    p.exec("DROP TRIGGER frozen ON runner_version;");
    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.applied() == (std::vector<std::string>{"a1", "b2"}));
}

BOOST_AUTO_TEST_CASE(a_migration_that_empties_the_search_path_as_pg_dump_does_is_recorded) {
    // pg_dump's output starts with set_config('search_path', '', false): runner's own rows must
    // still reach its tables, in the same transaction and in the steps after it.
    PgProject p;
    write_migration(p.dir(), "0001_a1", "a1", {},
                    "SELECT pg_catalog.set_config('search_path', '', false);\n"
                    "CREATE TABLE public.a (x integer);\n",
                    "SELECT pg_catalog.set_config('search_path', '', false);\n"
                    "DROP TABLE public.a;\n");
    write_migration(p.dir(), "0002_b2", "b2", {"a1"}, "CREATE TABLE b (x integer);\n",
                    "DROP TABLE b;\n");
    auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.applied() == (std::vector<std::string>{"a1", "b2"}));
    BOOST_TEST(p.value("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public' "
                       "AND tablename IN ('a', 'b')") == "2");
    r = p.run({"downgrade", "base"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.applied().empty());
    BOOST_TEST(p.value("SELECT count(*) FROM runner_version_log WHERE action = 'downgrade'") ==
               "2");
}

BOOST_AUTO_TEST_CASE(the_statements_after_which_runner_restores_the_settings_are_told_apart) {
    // Restoring costs the server statements of its own: only after these is it done.
    for (const char* changes : {
             "SET search_path = app",
             "set TimeZone to 'Asia/Tokyo';",
             "SET SESSION statement_timeout = 0",
             "SET ROLE app_owner",
             "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
             "/* c */ -- d\nRESET ALL",
             "DISCARD ALL",
             "LOAD 'auto_explain'",
             "DO $$ BEGIN PERFORM 1; END $$",
             "CALL refresh_all()",
             "SELECT pg_catalog.set_config('search_path', '', false);",
             "select Set_Config('x.y', 'z', false)",
         }) {
        BOOST_TEST(pg_may_change_session(changes), changes);
    }
    for (const char* keeps : {
             "SET LOCAL lock_timeout = '5s'",
             "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
             "SET CONSTRAINTS ALL DEFERRED",
             "UPDATE t SET x = 1",
             "CREATE FUNCTION f() RETURNS void LANGUAGE sql SET search_path = app AS $$ SELECT 1 "
             "$$",
             "INSERT INTO notes VALUES ('SET search_path = x; set_config')",
             "CREATE TABLE \"set\" (x integer)",
             "",
         }) {
        BOOST_TEST(!pg_may_change_session(keeps), keeps);
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
