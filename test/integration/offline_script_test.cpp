// Offline scripts (issue 10) fail where the online run fails: the foreign key check before
// each COMMIT under `sqlite3 -bail`, --atomic with a non-transactional file, and a migration
// that ends inside an unterminated /* comment (refused online too).
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// Runs a script with the sqlite3 shell as the README says: sqlite3 -bail DB < script.
RunResult sqlite3_bail(const std::string& db, const std::string& script) {
    ProcessOptions options;
    options.argv = {"sqlite3", "-bail", db};
    options.search_path = true;
    options.input = script;
    options.cwd = "/";
    return run_process(options);
}

void write_parent_child(const Project& p) {
    write_migration(
        p.dir(), "0001_tables", "r1", {},
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id));\n"
        "INSERT INTO parent VALUES (1);\nINSERT INTO child VALUES (1, 1);\n",
        "DROP TABLE child;\nDROP TABLE parent;\n");
}

BOOST_AUTO_TEST_SUITE(offline_scripts)

BOOST_AUTO_TEST_CASE(sql_script_stops_under_sqlite3_bail_where_the_online_foreign_key_check_does) {
    Project p;
    write_parent_child(p);
    write_migration(p.dir(), "0002_orphan", "r2", {"r1"}, "INSERT INTO child VALUES (2, 99);\n",
                    "DELETE FROM child WHERE id = 2;\n");
    write_migration(p.dir(), "0003_more", "r3", {"r2"}, "CREATE TABLE more (x);\n",
                    "DROP TABLE more;\n");
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "r1"}).exit_code, 0);
    const std::string offline_db = p.path("offline.db");
    write_file(offline_db, file_bytes(p.db()));

    const RunResult online = p.run({"upgrade", "head"});
    BOOST_TEST(online.exit_code == 1, online);
    BOOST_TEST(contains(online.err, "foreign key check failed"), online);

    for (const bool atomic : {false, true}) {
        std::vector<std::string> args = {"upgrade", "head", "--sql"};
        if (atomic) {
            args.push_back("--atomic");
        }
        const RunResult script = p.run(args);
        BOOST_REQUIRE_MESSAGE(script.exit_code == 0, script);
        const RunResult applied = sqlite3_bail(offline_db, script.out);
        BOOST_TEST(applied.exit_code != 0, applied);
        BOOST_TEST(contains(applied.err, "foreign key check failed"), applied);
        BOOST_TEST(query_column(offline_db, "SELECT revision FROM runner_version") ==
                       std::vector<std::string>{"r1"},
                   boost::test_tools::per_element());
        BOOST_TEST(query_column(offline_db, "SELECT count(*) FROM child") ==
                   std::vector<std::string>{"1"});
    }
}

BOOST_AUTO_TEST_CASE(sql_script_ignores_violations_the_database_had_before_like_the_online_run) {
    Project p;
    write_parent_child(p);
    write_migration(p.dir(), "0002_clean", "r2", {"r1"}, "INSERT INTO parent VALUES (2);\n",
                    "DELETE FROM parent WHERE id = 2;\n");
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "r1"}).exit_code, 0);
    exec_sql(p.db(), "INSERT INTO child VALUES (5, 55);");  // an orphan from before
    const RunResult script = p.run({"upgrade", "head", "--sql"});
    BOOST_REQUIRE_MESSAGE(script.exit_code == 0, script);
    const RunResult applied = sqlite3_bail(p.db(), script.out);
    BOOST_TEST(applied.exit_code == 0, applied);
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version ORDER BY revision") ==
                   (std::vector<std::string>{"r1", "r2"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sql_atomic_refuses_a_non_transactional_file_like_the_online_atomic) {
    Project p;
    p.write_chain({"r1"});
    write_migration(p.dir(), "0002_nontx", "r2", {"r1"}, "CREATE TABLE two (x);\n",
                    "DROP TABLE two;\n", {"transactional: false"});
    const RunResult online = p.run({"upgrade", "head", "--atomic"});
    BOOST_TEST(online.exit_code == 1, online);
    const RunResult offline = p.run({"upgrade", "head", "--sql", "--atomic"});
    BOOST_TEST(offline.exit_code == 1, offline);
    BOOST_TEST(offline.out == "", offline);
    BOOST_TEST(lines_of(offline.err) == lines_of(online.err), offline);
    BOOST_TEST(contains(offline.err, "0002_nontx.up.sql: it is marked 'transactional: false'"),
               offline);
}

BOOST_AUTO_TEST_CASE(a_migration_ending_inside_an_unterminated_comment_is_refused_with_its_line) {
    Project p;
    p.write_chain({"r1"});
    write_migration(p.dir(), "0002_open", "r2", {"r1"},
                    "CREATE TABLE two (x);\n/* explain why\nCREATE TABLE never (x);\n",
                    "DROP TABLE two;\n");
    write_migration(p.dir(), "0003_after", "r3", {"r2"}, "CREATE TABLE three (x);\n",
                    "DROP TABLE three;\n");
    // The header takes lines 1-4; the comment opens on line 6.
    const std::string where = p.dir() + "/0002_open.up.sql:6: ";

    const RunResult online = p.run({"upgrade", "head"});
    BOOST_TEST(online.exit_code == 1, online);
    BOOST_TEST(contains(online.err, "runner: error: " + where), online);
    BOOST_TEST(contains(online.err, "/* comment"), online);
    BOOST_TEST(!file_exists(p.db()), "refused before anything ran");

    const RunResult offline = p.run({"upgrade", "head", "--sql"});
    BOOST_TEST(offline.exit_code == 1, offline);
    BOOST_TEST(offline.out == "", offline);
    BOOST_TEST(contains(offline.err, "runner: error: " + where), offline);

    // Quotes and -- comments hide a "/*", as they do for SQLite.
    write_migration(p.dir(), "0002_open", "r2", {"r1"},
                    "CREATE TABLE two (x);\nINSERT INTO two VALUES ('/*');\n-- /* not open\n"
                    "/* closed */ SELECT 1;\n",
                    "DROP TABLE two;\n");
    const RunResult fine = p.run({"upgrade", "head"});
    BOOST_TEST(fine.exit_code == 0, fine);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
