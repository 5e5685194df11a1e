// `runner --dir DIR --db PATH init` honours the global options like every other command; the
// older `runner init --db PATH DIR` keeps working, and anything init cannot honour is refused.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(init_global_options)

BOOST_AUTO_TEST_CASE(global_dir_and_db_name_the_project_init_writes) {
    TempDir tmp;

    const RunResult r =
        run_runner({"--dir", "db/migrations", "--db", "data.db", "init"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out ==
               "db/migrations/template.up.sql.tmpl\ndb/migrations/template.down.sql.tmpl\n"
               "db/migrations/HEADS\nrunner.ini\n");
    BOOST_TEST(list_dir(tmp.path()) == (Names{"db", "runner.ini"}),
               boost::test_tools::per_element());
    const std::string ini = file_bytes(tmp / "runner.ini");
    BOOST_TEST(contains(ini, "\ndb = data.db\n"), ini);
    BOOST_TEST(contains(ini, "\ndir = db/migrations\n"), ini);

    // The project then works without the options.
    const RunResult rev = run_runner({"revision", "-m", "first"}, tmp.path());
    BOOST_TEST(rev.exit_code == 0, rev);
    BOOST_TEST(starts_with(rev.out, "db/migrations/0001_first.up.sql\n"), rev);
    const RunResult up = run_runner({"upgrade", "head"}, tmp.path());
    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(file_exists(tmp / "data.db"));
}

BOOST_AUTO_TEST_CASE(global_dir_alone_keeps_the_default_database) {
    TempDir tmp;

    const RunResult r = run_runner({"--dir", "migrations", "init"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    const std::string ini = file_bytes(tmp / "runner.ini");
    BOOST_TEST(contains(ini, "\ndb = app.db\n"), ini);
    BOOST_TEST(contains(ini, "\ndir = migrations\n"), ini);
    BOOST_TEST(!file_exists(tmp / "sql"));
}

BOOST_AUTO_TEST_CASE(the_same_value_given_both_ways_is_fine) {
    TempDir tmp;

    const RunResult r =
        run_runner({"--dir", "m", "--db", "x.db", "init", "--db", "x.db", "m"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(file_bytes(tmp / "runner.ini"), "\ndb = x.db\n"));
    BOOST_TEST(contains(file_bytes(tmp / "runner.ini"), "\ndir = m\n"));
}

BOOST_AUTO_TEST_CASE(two_different_values_are_a_usage_error_and_nothing_is_written) {
    struct Case {
        std::vector<std::string> args;
        std::string error;
    };
    const Case cases[] = {
        {{"--dir", "a", "init", "b"},
         "runner: error: init: the migrations directory is given twice, 'a' by the global --dir "
         "and 'b' as DIR; give it once\n"},
        {{"--db", "x.db", "init", "--db", "y.db"},
         "runner: error: init: the database is given twice, 'x.db' by the global --db and "
         "'y.db' by init --db; give it once\n"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.args[0] << " " << c.args[1]) {
            TempDir tmp;

            const RunResult r = run_runner(c.args, tmp.path());

            BOOST_TEST(r.exit_code == 2, r);
            BOOST_TEST(r.out == "");
            BOOST_TEST(r.err == c.error);
            BOOST_TEST(list_dir(tmp.path()).empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_config_file_option_is_refused_instead_of_ignored) {
    TempDir tmp;

    const RunResult r = run_runner({"-c", "deploy.ini", "init"}, tmp.path());

    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(r.err ==
               "runner: error: init always writes runner.ini in the current directory, so -c/"
               "--config does not apply; run init in the directory that should hold it\n");
    BOOST_TEST(list_dir(tmp.path()).empty());
}

BOOST_AUTO_TEST_CASE(a_config_file_option_naming_runner_ini_is_what_init_writes_anyway) {
    TempDir tmp;

    const RunResult r = run_runner({"-c", "./runner.ini", "--dir", "m", "init"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(file_bytes(tmp / "runner.ini"), "\ndir = m\n"));
}

BOOST_AUTO_TEST_CASE(help_names_both_forms) {
    TempDir tmp;

    const RunResult r = run_runner({"init", "--help"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(starts_with(r.out, "usage: runner [--dir DIR] [--db PATH] init\n"), r);
    BOOST_TEST(contains(r.out, "runner init [--db PATH] [DIR]"), r);
    BOOST_TEST(!contains(r.out, "do not apply"), r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
