// lock_strategy = table is PostgreSQL's (a lock row for PgBouncer in transaction mode and
// engines without advisory locks). SQLite locks its file itself, so it refuses the setting with
// one line instead of silently ignoring a lock the user asked for; nothing is created.
#include <boost/test/unit_test.hpp>
#include <string>

#include "support.hpp"

namespace runner::integration {

BOOST_AUTO_TEST_SUITE(lock_strategy_sqlite)

BOOST_AUTO_TEST_CASE(sqlite_refuses_lock_strategy_table_with_one_line) {
    Project p;
    p.write_chain({"a"});
    write_file(p.path("runner.ini"), "lock_strategy = table\n");
    auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "is SQLite, which locks its file itself: drop 'lock_strategy = "
                        "table'"),
               r);
    BOOST_TEST(lines_of(r.err).size() == 1u, r);
    BOOST_TEST(!file_exists(p.db()));
    write_file(p.path("runner.ini"), "lock_strategy = advisory\n");
    r = p.run({"--lock-strategy", "table", "current"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "is SQLite, which locks its file itself"), r);
}

BOOST_AUTO_TEST_CASE(sqlite_accepts_the_default_advisory_strategy_named_explicitly) {
    Project p;
    p.write_chain({"a"});
    write_file(p.path("runner.ini"), "lock_strategy = advisory\nlock_lease = 30s\n");
    const auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT name FROM sqlite_master WHERE name = 't_a'") ==
               std::vector<std::string>{"t_a"});
}

BOOST_AUTO_TEST_CASE(a_bad_lock_strategy_in_the_config_file_is_refused) {
    Project p;
    p.write_chain({"a"});
    write_file(p.path("runner.ini"), "lock_strategy = rows\n");
    const auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "lock_strategy takes 'advisory' (the default) or 'table', not "
                        "'rows'"),
               r);
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::integration
