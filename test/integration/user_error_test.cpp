// Failures a user can act on print as one `runner: error: ...` line (never as an internal
// error), and a URL given twice to init is shown with its secrets masked.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

BOOST_AUTO_TEST_SUITE(user_error)

BOOST_AUTO_TEST_CASE(a_migration_path_that_is_a_directory_is_a_plain_error) {
    Project p;
    write_file(p.path("sql/0001_a.down.sql"), "-- revision: a\n-- down_revision:\n\nSELECT 1;\n");
    BOOST_REQUIRE(::mkdir(p.path("sql/0001_a.up.sql").c_str(), 0777) == 0);

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(
        r.err == "runner: error: cannot read " + p.path("sql/0001_a.up.sql") + ": Is a directory\n",
        r);
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(an_unreadable_migrations_directory_is_a_plain_error) {
    if (::geteuid() == 0) {
        // root reads every directory whatever its mode; the case above covers the path.
        return;
    }
    Project p;
    p.write_chain({"r1"});
    BOOST_REQUIRE(::chmod(p.dir().c_str(), 0) == 0);

    const RunResult r = p.run({"heads"});

    ::chmod(p.dir().c_str(), 0755);
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(starts_with(r.err, "runner: error: "), r);
    BOOST_TEST(contains(r.err, p.dir()), r);
    BOOST_TEST(!contains(r.err, "internal error"), r);
}

BOOST_AUTO_TEST_CASE(init_shows_a_database_url_given_twice_with_its_password_masked) {
    TempDir tmp;

    const RunResult r =
        run_runner({"--db", "sqlite:///x.db?password=hunter2", "init", "--db", "y.db"}, tmp.path());

    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(!contains(r.err, "hunter2"), r);
    BOOST_TEST(r.err ==
                   "runner: error: init: the database is given twice, "
                   "'sqlite:///x.db?password=***' by the global --db and 'y.db' by init --db; "
                   "give it once\n",
               r);
}

BOOST_AUTO_TEST_CASE(init_shows_a_directory_given_twice_as_typed) {
    TempDir tmp;

    const RunResult r = run_runner({"--dir", "a?password=x", "init", "b"}, tmp.path());

    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(contains(r.err, "'a?password=x' by the global --dir"), r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
