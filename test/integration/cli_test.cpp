// The command-line contract: version, help, usage errors and exit codes, and where the database
// and migrations directory come from (--db, DATABASE_URL, runner.ini).
#include <regex>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

const std::vector<std::string> kCommands = {"upgrade", "downgrade", "stamp",    "current",
                                            "history", "heads",     "branches", "show"};

// The version in the top-level CMakeLists.txt's project() call.
std::string project_version() {
    const std::string cmake = file_bytes(std::string(RUNNER_SOURCE_DIR) + "/CMakeLists.txt");
    std::smatch m;
    if (!std::regex_search(cmake, m, std::regex(R"(project\(runner VERSION ([0-9.]+))"))) {
        return "<no version in CMakeLists.txt>";
    }
    return m[1];
}

// A folder with a one-migration project in FOLDER/migs (r1 creates table one).
void write_one_migration(const std::string& migrations_dir) {
    write_migration(migrations_dir, "0001_one", "r1", {}, "CREATE TABLE one (x);\n",
                    "DROP TABLE one;\n");
}

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(version_option_prints_the_project_version) {
    TempDir tmp;

    const RunResult r = run_runner({"--version"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out == "runner " + project_version() + "\n");
    BOOST_TEST(r.err == "");
}

BOOST_AUTO_TEST_CASE(help_lists_every_command_and_exits_zero) {
    TempDir tmp;
    for (const std::string flag : {"--help", "-h"}) {
        BOOST_TEST_CONTEXT("runner " << flag) {
            const RunResult r = run_runner({flag}, tmp.path());

            BOOST_TEST(r.exit_code == 0, r);
            BOOST_TEST(starts_with(r.out,
                                   "usage: runner [--db URL|PATH] [--dir DIR] [-c FILE] "
                                   "COMMAND [ARGS]\n"),
                       r);
            for (const auto& command : kCommands) {
                BOOST_TEST(contains(r.out, "\n  " + command + " "), command);
            }
            BOOST_TEST(r.err == "");
        }
    }
}

BOOST_AUTO_TEST_CASE(no_command_prints_usage_on_stderr_and_exits_two) {
    TempDir tmp;

    const RunResult r = run_runner({}, tmp.path());

    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(starts_with(r.err, "usage: runner "), r);
    BOOST_TEST(r.out == "");
}

BOOST_AUTO_TEST_CASE(commands_without_their_required_argument_exit_two_with_usage) {
    Project p;
    write_one_migration(p.dir());
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"upgrade",
         "usage: runner upgrade [--sql] [--atomic] [--backup] [--resume] [--format json] TARGET\n"},
        {"downgrade",
         "usage: runner downgrade [--sql] [--atomic] [--backup] [--resume] [--format json] "
         "TARGET\n"},
        {"stamp", "usage: runner stamp [--purge] REV [REV...]\n"},
        {"show", "usage: runner show REV\n"},
    };
    for (const auto& [command, usage] : cases) {
        BOOST_TEST_CONTEXT("runner " << command) {
            const RunResult r = p.run({command});

            BOOST_TEST(r.exit_code == 2, r);
            BOOST_TEST(starts_with(r.err, "runner: error: "), r);
            BOOST_TEST(contains(r.err, usage), r);
            BOOST_TEST(r.out == "");
            BOOST_TEST(!file_exists(p.db()));
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_command_exits_two) {
    TempDir tmp;

    const RunResult r = run_runner({"frobnicate"}, tmp.path());

    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(r.err == "runner: error: unknown command 'frobnicate' (see runner --help)\n");
    BOOST_TEST(r.out == "");
}

BOOST_AUTO_TEST_CASE(unknown_global_option_exits_two) {
    TempDir tmp;

    const RunResult r = run_runner({"--frob", "heads"}, tmp.path());

    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(starts_with(r.err, "runner: error: "), r);
    BOOST_TEST(contains(r.err, "'--frob'"), r);
    BOOST_TEST(r.out == "");
}

BOOST_AUTO_TEST_CASE(unknown_command_option_exits_two_with_the_command_usage) {
    Project p;
    write_one_migration(p.dir());

    const RunResult r = p.run({"upgrade", "--frob", "head"});

    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(starts_with(r.err, "runner: error: "), r);
    BOOST_TEST(contains(r.err, "'--frob'"), r);
    BOOST_TEST(contains(r.err,
                        "usage: runner upgrade [--sql] [--atomic] [--backup] [--resume] [--format "
                        "json] TARGET"),
               r);
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(upgrade_help_prints_usage_on_stdout_and_exits_zero) {
    Project p;
    write_one_migration(p.dir());

    const RunResult r = p.run({"upgrade", "--help"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(starts_with(r.out,
                           "usage: runner upgrade [--sql] [--atomic] [--backup] [--resume] "
                           "[--format json] TARGET\n"),
               r);
    BOOST_TEST(r.err == "");
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(every_command_prints_its_help_and_exits_zero) {
    Project p;
    write_one_migration(p.dir());
    for (const auto& command : kCommands) {
        for (const std::string flag : {"--help", "-h"}) {
            BOOST_TEST_CONTEXT("runner " << command << " " << flag) {
                const RunResult r = p.run({command, flag});

                BOOST_TEST(r.exit_code == 0, r);
                BOOST_TEST(starts_with(r.out, "usage: runner " + command), r);
                BOOST_TEST(r.err == "");
            }
        }
    }
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(negative_relative_target_is_parsed_as_a_target_not_an_option) {
    Project p;
    p.write_chain({"r1", "r2", "r3"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);

    const RunResult one = p.run({"downgrade", "-1"});

    BOOST_TEST(one.exit_code == 0, one);
    BOOST_TEST(without_timings(one.err) == "Running downgrade r3 -> r2, 0003_r3 (N ms)\n");
    BOOST_TEST(p.run({"current"}).out == "r2\n");

    const RunResult two = p.run({"downgrade", "-2"});

    BOOST_TEST(two.exit_code == 0, two);
    BOOST_TEST(p.run({"current"}).out == "");
}

BOOST_AUTO_TEST_CASE(db_flag_beats_database_url_which_beats_runner_ini) {
    TempDir tmp;
    write_one_migration(tmp / "migs");
    write_file(tmp / "runner.ini", "db = ini.db\ndir = migs\n");
    const auto exists = [&tmp](const char* name) { return file_exists(tmp / name); };

    const RunResult from_ini = run_runner({"upgrade", "head"}, tmp.path());

    BOOST_TEST(from_ini.exit_code == 0, from_ini);
    BOOST_TEST(exists("ini.db"));
    BOOST_TEST(!exists("env.db"));

    const RunResult from_env =
        run_runner({"upgrade", "head"}, tmp.path(), {{"DATABASE_URL", "env.db"}});

    BOOST_TEST(from_env.exit_code == 0, from_env);
    BOOST_TEST(exists("env.db"));
    BOOST_TEST(!exists("flag.db"));

    const RunResult from_flag = run_runner({"--db", "flag.db", "upgrade", "head"}, tmp.path(),
                                           {{"DATABASE_URL", "env.db"}});

    BOOST_TEST(from_flag.exit_code == 0, from_flag);
    BOOST_TEST(exists("flag.db"));
    for (const char* db : {"ini.db", "env.db", "flag.db"}) {
        BOOST_TEST(query_column(tmp / db, "SELECT revision FROM runner_version") ==
                       std::vector<std::string>{"r1"},
                   boost::test_tools::per_element());
    }
    BOOST_TEST(list_dir(tmp.path()) ==
                   (std::vector<std::string>{"env.db", "flag.db", "ini.db", "migs", "runner.ini"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(empty_database_url_falls_back_to_runner_ini) {
    TempDir tmp;
    write_one_migration(tmp / "migs");
    write_file(tmp / "runner.ini", "db = ini.db\ndir = migs\n");

    const RunResult r = run_runner({"upgrade", "head"}, tmp.path(), {{"DATABASE_URL", ""}});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(file_exists(tmp / "ini.db"));
}

BOOST_AUTO_TEST_CASE(paths_in_a_config_file_are_relative_to_the_config_files_folder) {
    TempDir tmp;
    write_one_migration(tmp / "conf/migs");
    write_file(tmp / "conf/app.ini",
               "# settings\n[runner]\ndb = app.db\ndir = migs\nversion_table = my_versions\n");
    write_file(tmp / "elsewhere/.keep", "");

    const RunResult r = run_runner({"-c", "../conf/app.ini", "upgrade", "head"}, tmp / "elsewhere");

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(file_exists(tmp / "conf/app.db"));
    BOOST_TEST(list_dir(tmp / "elsewhere") == std::vector<std::string>{".keep"},
               boost::test_tools::per_element());
    BOOST_TEST(table_names(tmp / "conf/app.db") ==
                   (std::vector<std::string>{"my_versions", "my_versions_log", "one"}),
               boost::test_tools::per_element());
    BOOST_TEST(run_runner({"--config", tmp / "conf/app.ini", "current"}, tmp.path()).out ==
               "r1 (head)\n");
}

BOOST_AUTO_TEST_CASE(missing_config_file_given_with_c_is_an_error) {
    TempDir tmp;

    const RunResult r = run_runner({"-c", "nope.ini", "heads"}, tmp.path());

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.err == "runner: error: config file nope.ini does not exist\n");
}

BOOST_AUTO_TEST_CASE(sqlite_urls_with_three_slashes_are_relative_and_with_four_absolute) {
    TempDir tmp;
    write_one_migration(tmp / "sql");

    const RunResult relative =
        run_runner({"--db", "sqlite:///rel.db", "upgrade", "head"}, tmp.path());

    BOOST_TEST(relative.exit_code == 0, relative);
    BOOST_TEST(file_exists(tmp / "rel.db"));

    const std::string absolute_url = "sqlite:///" + (tmp / "abs.db");  // sqlite:////tmp/...
    const RunResult absolute = run_runner({"--db", absolute_url, "upgrade", "head"}, tmp.path());

    BOOST_TEST(absolute.exit_code == 0, absolute);
    BOOST_TEST(file_exists(tmp / "abs.db"));
    BOOST_TEST(run_runner({"current"}, tmp.path(), {{"DATABASE_URL", absolute_url}}).out ==
               "r1 (head)\n");
}

BOOST_AUTO_TEST_CASE(sqlite_url_in_a_config_file_is_relative_to_the_config_files_folder) {
    TempDir tmp;
    write_one_migration(tmp / "conf/sql");
    write_file(tmp / "conf/runner.ini", "db = sqlite:///data/app.db\ndir = sql\n");
    write_file(tmp / "conf/data/.keep", "");

    const RunResult r = run_runner({"-c", tmp / "conf/runner.ini", "upgrade", "head"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(file_exists(tmp / "conf/data/app.db"));
}

BOOST_AUTO_TEST_CASE(no_database_configured_is_an_error_that_says_how_to_give_one) {
    TempDir tmp;
    write_one_migration(tmp / "sql");

    const RunResult r = run_runner({"upgrade", "head"}, tmp.path());

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.err ==
               "runner: error: no database given: use --db PATH, set DATABASE_URL, or put 'db =' "
               "in runner.ini\n");
}

BOOST_AUTO_TEST_CASE(passwords_in_database_urls_are_never_printed) {
    TempDir tmp;
    write_one_migration(tmp / "sql");
    const std::string url = "postgresql://u:secret@h/db";
    write_file(tmp / "conf/runner.ini", "db = " + url + "\n");
    const std::vector<std::pair<std::string, RunResult>> runs = {
        {"--db upgrade", run_runner({"--db", url, "upgrade", "head"}, tmp.path())},
        {"--db current", run_runner({"--db", url, "current"}, tmp.path())},
        {"--db history -v", run_runner({"--db", url, "history", "-v"}, tmp.path())},
        {"DATABASE_URL", run_runner({"upgrade", "head"}, tmp.path(), {{"DATABASE_URL", url}})},
        {"runner.ini",
         run_runner({"-c", tmp / "conf/runner.ini", "--dir", "sql", "stamp", "head"}, tmp.path())},
        {"sqlite with a host",
         run_runner({"--db", "sqlite://u:secret@h/db", "current"}, tmp.path())},
    };
    for (const auto& [what, r] : runs) {
        BOOST_TEST_CONTEXT(what) {
            BOOST_TEST(!contains(r.err + r.out, "secret"), r);
            BOOST_TEST((contains(r.err, "runner: error: ") || contains(r.err, "warning: ")), r);
        }
    }
    BOOST_TEST(runs[0].second.exit_code == 1);
    // No server named h: one line naming the masked URL and what libpq said.
    BOOST_TEST(starts_with(runs[0].second.err,
                           "runner: error: cannot connect to postgresql://u:***@h/db: "),
               runs[0].second);
    BOOST_TEST(lines_of(runs[0].second.err).size() == 1u, runs[0].second);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
