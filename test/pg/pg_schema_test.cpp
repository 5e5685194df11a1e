// --schema / 'schema =' (the migrations' search_path) and 'version_table_schema =' (where
// runner's bookkeeping lives) on PostgreSQL: both created when missing, in the transaction of
// what runs in them.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::write_file;
using integration::write_migration;

BOOST_AUTO_TEST_SUITE(pg_schema)

BOOST_AUTO_TEST_CASE(schema_puts_the_migrations_and_the_bookkeeping_in_that_schema) {
    PgProject p;
    p.write_chain({"a1", "b2"});
    auto r = p.run({"--schema", "app", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.tables("app") ==
               (std::vector<std::string>{"runner_version", "runner_version_log", "t_a1", "t_b2"}));
    BOOST_TEST(p.tables("public").empty());
    BOOST_TEST(p.applied("app") == (std::vector<std::string>{"a1", "b2"}));
    BOOST_TEST(p.run({"--schema", "app", "current"}).out == "b2 (head)\n");
    BOOST_TEST(p.run({"current"}).out == "", "without --schema: nothing recorded in public");
    r = p.run({"--schema", "app", "downgrade", "base"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.tables("app") ==
               (std::vector<std::string>{"runner_version", "runner_version_log"}));
}

BOOST_AUTO_TEST_CASE(version_table_schema_keeps_the_bookkeeping_apart_from_the_migrations) {
    PgProject p;
    p.write_chain({"a1"});
    write_file(p.path("runner.ini"), "schema = app\nversion_table_schema = runner_meta\n");
    auto r = p.run({"-c", p.path("runner.ini"), "upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.tables("app") == std::vector<std::string>{"t_a1"});
    BOOST_TEST(p.tables("runner_meta") ==
               (std::vector<std::string>{"runner_version", "runner_version_log"}));
    BOOST_TEST(p.applied("runner_meta") == std::vector<std::string>{"a1"});
    r = p.run({"-c", p.path("runner.ini"), "history", "-v"});
    BOOST_TEST(contains(r.out, "Applied: "), r);
    BOOST_TEST(p.run({"-c", p.path("runner.ini"), "check"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_failed_first_migration_leaves_no_schema_behind_under_atomic) {
    PgProject p;
    write_migration(p.dir(), "0001_a1", "a1", {}, "CREATE TABLE t (x integer);\nSELECT 1/0;\n",
                    "DROP TABLE t;\n");
    write_file(p.path("runner.ini"), "schema = app\nversion_table_schema = runner_meta\n");
    const std::string before = p.fingerprint();
    const auto r = p.run({"-c", p.path("runner.ini"), "upgrade", "head", "--atomic"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(p.fingerprint() == before);
}

BOOST_AUTO_TEST_CASE(offline_scripts_create_and_use_the_schemas) {
    PgProject p;
    p.write_chain({"a1"});
    write_file(p.path("runner.ini"), "schema = app\nversion_table_schema = runner_meta\n");
    const auto r = p.run({"-c", p.path("runner.ini"), "upgrade", "head", "--sql"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "SET search_path TO \"app\";\n"), r);
    write_file(p.path("up.sql"), r.out);
    const auto& c = cluster();
    integration::ProcessOptions psql;
    psql.argv = {"psql", "-X", "-q",         "-h", c.host,          "-p", c.port, "-U",
                 c.user, "-d", p.database(), "-f", p.path("up.sql")};
    psql.search_path = true;
    psql.cwd = p.root();
    const auto ran = integration::run_process(psql);
    BOOST_TEST(ran.exit_code == 0, ran);
    BOOST_TEST(p.tables("app") == std::vector<std::string>{"t_a1"});
    BOOST_TEST(p.applied("runner_meta") == std::vector<std::string>{"a1"});
    BOOST_TEST(p.run({"-c", p.path("runner.ini"), "check"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(sqlite_refuses_a_schema) {
    integration::Project p;
    p.write_chain({"a1"});
    const auto r = p.run({"--schema", "app", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "no schemas"), r);
    BOOST_TEST(!integration::file_exists(p.db()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
