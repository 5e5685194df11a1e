// On SQLite the PostgreSQL-only lock_timeout / statement_timeout settings (a file's header, the
// config file) and --retries are accepted and have no effect: runner holds SQLite's write lock
// for the whole migration, so its statements never wait for another session's lock. A file
// written for both backends runs on both. Malformed values are still refused.
#include <boost/test/unit_test.hpp>
#include <string>

#include "support.hpp"

namespace runner::integration {

BOOST_AUTO_TEST_SUITE(timeout_keys)

BOOST_AUTO_TEST_CASE(sqlite_runs_migrations_whose_header_sets_timeouts) {
    Project p;
    write_migration(p.dir(), "0001_a", "a", {}, "CREATE TABLE t (x INTEGER);\n", "DROP TABLE t;\n",
                    {"lock_timeout: 5s", "statement_timeout: 1min"});
    write_file(p.path("runner.ini"), "lock_timeout = 2s\nstatement_timeout = 0\nretries = 5\n");
    const auto r = p.run({"--retries", "2", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT name FROM sqlite_master WHERE name = 't'") ==
               std::vector<std::string>{"t"});
    BOOST_TEST(!contains(r.err, "warning"), r);
}

BOOST_AUTO_TEST_CASE(a_malformed_timeout_in_a_header_is_refused_naming_file_and_line) {
    Project p;
    write_migration(p.dir(), "0001_a", "a", {}, "CREATE TABLE t (x INTEGER);\n", "DROP TABLE t;\n",
                    {"lock_timeout: five seconds"});
    const auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "sql/0001_a.up.sql:4: lock_timeout takes a duration such as '5s'"),
               r);
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(malformed_timeout_settings_in_the_config_file_are_refused) {
    Project p;
    p.write_chain({"a"});
    write_file(p.path("runner.ini"), "statement_timeout = 5 seconds\n");
    auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "statement_timeout takes a duration"), r);
    write_file(p.path("runner.ini"), "retries = many\n");
    r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "retries takes a whole number from 0 to 100, not 'many'"), r);
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(a_bad_retries_option_is_a_usage_error) {
    Project p;
    p.write_chain({"a"});
    const auto r = p.run({"--retries", "-1", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(contains(r.err, "--retries takes a whole number from 0 to 100"), r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::integration
