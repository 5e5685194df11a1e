// scripts/db_migrate: the seed projects' verbs on top of runner, including the guarded reset.
#include <regex>

#include <boost/test/unit_test.hpp>

#include "program.hpp"
#include "support.hpp"

namespace runner::integration {
namespace {

RunResult db_migrate(const std::string& cwd, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"bash",
                                     std::string(RUNNER_SOURCE_DIR) + "/scripts/db_migrate"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv, cwd, {{"RUNNER_BIN", std::string(RUNNER_BINARY)}});
}

std::vector<std::string> backups_in(const std::string& dir) {
    std::vector<std::string> found;
    for (const auto& name : list_dir(dir)) {
        if (std::regex_match(name, std::regex(R"(app\.db\.backup-\d{8}-\d{6})"))) {
            found.push_back(name);
        }
    }
    return found;
}

BOOST_AUTO_TEST_SUITE(db_migrate_script)

BOOST_AUTO_TEST_CASE(init_create_upgrade_current_work_like_runner) {
    TempDir tmp;

    const RunResult init = db_migrate(tmp.path(), {"init"});
    const RunResult create = db_migrate(tmp.path(), {"create", "add users table"});

    BOOST_TEST(init.exit_code == 0, init);
    BOOST_TEST(file_exists(tmp / "runner.ini"));
    BOOST_TEST(create.exit_code == 0, create);
    BOOST_TEST(create.out ==
               "sql/0001_add_users_table.up.sql\nsql/0001_add_users_table.down.sql\n");
    write_file(tmp / "sql/0001_add_users_table.up.sql",
               file_bytes(tmp / "sql/0001_add_users_table.up.sql") + "CREATE TABLE users (x);\n");
    write_file(tmp / "sql/0001_add_users_table.down.sql",
               file_bytes(tmp / "sql/0001_add_users_table.down.sql") + "DROP TABLE users;\n");
    const RunResult upgrade = db_migrate(tmp.path(), {"upgrade"});
    BOOST_TEST(upgrade.exit_code == 0, upgrade);
    BOOST_TEST(contains(upgrade.err, "add users table"), upgrade);
    const RunResult current = db_migrate(tmp.path(), {"current"});
    BOOST_TEST(current.exit_code == 0, current);
    BOOST_TEST(std::regex_match(current.out, std::regex("[0-9a-f]{12} \\(head\\)\n")), current);
}

BOOST_AUTO_TEST_CASE(create_without_a_message_and_unknown_verbs_are_usage_errors) {
    TempDir tmp;

    const RunResult create = db_migrate(tmp.path(), {"create"});
    const RunResult bogus = db_migrate(tmp.path(), {"migrate"});

    BOOST_TEST(create.exit_code == 2, create);
    BOOST_TEST(create.err ==
               "db_migrate: create needs a message: scripts/db_migrate create \"add users "
               "table\"\n");
    BOOST_TEST(bogus.exit_code == 2, bogus);
    BOOST_TEST(contains(bogus.err, "scripts/db_migrate reset --yes"), bogus);
}

BOOST_AUTO_TEST_CASE(reset_needs_yes_then_backs_up_and_rebuilds) {
    TempDir tmp;
    db_migrate(tmp.path(), {"init"});
    db_migrate(tmp.path(), {"create", "t"});
    write_file(tmp / "sql/0001_t.up.sql",
               file_bytes(tmp / "sql/0001_t.up.sql") + "CREATE TABLE t (x);\n");
    write_file(tmp / "sql/0001_t.down.sql",
               file_bytes(tmp / "sql/0001_t.down.sql") + "DROP TABLE t;\n");
    BOOST_TEST_REQUIRE(db_migrate(tmp.path(), {"upgrade"}).exit_code == 0);
    exec_sql(tmp / "app.db", "INSERT INTO t VALUES (42);");

    const RunResult refused = db_migrate(tmp.path(), {"reset"});

    BOOST_TEST(refused.exit_code == 2, refused);
    BOOST_TEST(refused.err ==
               "db_migrate: reset reverts every migration and rebuilds the database from base "
               "to head (a backup <db>.backup-YYYYmmdd-HHMMSS is taken first); to go ahead, run: "
               "scripts/db_migrate reset --yes\n");
    BOOST_TEST(query_column(tmp / "app.db", "SELECT x FROM t") == std::vector<std::string>{"42"});
    BOOST_TEST(backups_in(tmp.path()).empty());

    const RunResult reset = db_migrate(tmp.path(), {"reset", "--yes"});

    BOOST_TEST(reset.exit_code == 0, reset);
    const auto backups = backups_in(tmp.path());
    BOOST_TEST_REQUIRE(backups.size() == 1u, reset);
    BOOST_TEST(query_column(tmp / backups[0], "SELECT x FROM t") == std::vector<std::string>{"42"});
    BOOST_TEST(query_column(tmp / "app.db", "SELECT count(*) FROM t") ==
               std::vector<std::string>{"0"});
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
