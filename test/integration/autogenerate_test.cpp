// `runner diff` and `runner revision --autogenerate` on projects made by `runner init`: the
// desired schema file against the migrations, the files written, and every refusal.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "support.hpp"

namespace runner::integration {
namespace {

constexpr const char* kUsers =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\n";

// A project from `runner init` (runner.ini: db = app.db, dir = sql) whose first migration
// creates users; schema.sql holds the same table unless a test changes it.
class AutogenProject {
  public:
    AutogenProject() {
        const RunResult init = run({"init"});
        BOOST_TEST_REQUIRE(init.exit_code == 0, init);
        write_migration(path("sql"), "0001_users", "aaaa00000001", {}, kUsers,
                        "DROP TABLE users;\n");
        BOOST_TEST_REQUIRE(run({"heads", "--refresh"}).exit_code == 0);
        write_schema(kUsers);
    }
    std::string path(std::string_view relative) const { return tmp_ / relative; }
    RunResult run(const std::vector<std::string>& args) const {
        return run_runner(args, tmp_.path());
    }
    void write_schema(const std::string& sql) const { write_file(path("schema.sql"), sql); }
    std::vector<std::string> migration_files() const { return list_dir(path("sql")); }

  private:
    TempDir tmp_;
};

const std::string kUsersWithAge =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, age INTEGER);\n";

BOOST_AUTO_TEST_CASE(diff_exits_0_and_prints_no_sql_when_the_schema_file_agrees) {
    AutogenProject p;
    const RunResult r = p.run({"diff"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out == "");
    BOOST_TEST(r.err == "schema.sql agrees with the migrations at the head (aaaa00000001)\n");
    BOOST_TEST(!file_exists(p.path("app.db")), "diff never opens the database");
}

BOOST_AUTO_TEST_CASE(diff_prints_the_up_sql_and_exits_3_when_the_schema_file_differs) {
    AutogenProject p;
    p.write_schema(kUsersWithAge);
    const RunResult r = p.run({"diff"});
    BOOST_TEST(r.exit_code == 3, r);
    BOOST_TEST(contains(r.out, "ALTER TABLE users ADD COLUMN age INTEGER;\n"), r);
    BOOST_TEST(r.err ==
               "schema.sql differs from the migrations at the head (aaaa00000001) in 1 place: "
               "the SQL above is the upgrade 'runner revision --autogenerate' would write\n");
    BOOST_TEST(!file_exists(p.path("app.db")));
}

BOOST_AUTO_TEST_CASE(diff_json_lists_each_difference_and_the_sql_both_ways) {
    AutogenProject p;
    p.write_schema(kUsersWithAge);
    const RunResult r = p.run({"diff", "--format", "json"});
    BOOST_TEST(r.exit_code == 3, r);
    BOOST_TEST(starts_with(r.out,
                           "{\"command\":\"diff\",\"schema_file\":\"schema.sql\","
                           "\"heads\":[\"aaaa00000001\"],\"agree\":false,"
                           "\"differences\":[{\"kind\":\"missing\",\"object\":\"column\","
                           "\"table\":\"users\",\"name\":\"age\""),
               r);
    BOOST_TEST(contains(r.out, "ALTER TABLE users DROP COLUMN age;"), r);
    BOOST_TEST(contains(r.out, "\"exit_code\":3}"), r);
    p.write_schema(kUsers);
    const RunResult same = p.run({"diff", "--format", "json"});
    BOOST_TEST(same.exit_code == 0, same);
    BOOST_TEST(contains(same.out, "\"agree\":true,\"differences\":[],\"up\":null,\"down\":null"),
               same);
}

BOOST_AUTO_TEST_CASE(diff_names_the_line_of_a_syntax_error_in_the_schema_file) {
    AutogenProject p;
    p.write_schema(std::string(kUsers) +
                   "\n-- posts\nCREATE TABLE posts (id INTEGER PRIMARY KEY,,);\n");
    const RunResult r = p.run({"diff"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(lines_of(r.err).at(0) ==
                   "runner: error: schema.sql:4: near \",\": syntax error (SQLITE_ERROR)",
               r);
    BOOST_TEST(r.out == "");
}

BOOST_AUTO_TEST_CASE(diff_without_a_schema_file_says_where_it_looked_and_how_to_start_one) {
    AutogenProject p;
    std::remove(p.path("schema.sql").c_str());
    const RunResult r = p.run({"diff"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.err ==
               "runner: error: no schema file schema.sql (the default schema.sql beside "
               "runner.ini): write the desired schema there as CREATE statements ('runner schema "
               "> schema.sql' starts one from the migrations), or name one with --schema-file "
               "FILE or schema_file = in runner.ini\n");
}

BOOST_AUTO_TEST_CASE(diff_reads_schema_file_from_the_config_relative_to_it) {
    AutogenProject p;
    write_file(p.path("runner.ini"), "db = app.db\ndir = sql\nschema_file = db/desired.sql\n");
    const RunResult missing = p.run({"diff"});
    BOOST_TEST(missing.exit_code == 1, missing);
    BOOST_TEST(starts_with(missing.err,
                           "runner: error: no schema file db/desired.sql (schema_file in "
                           "runner.ini): "),
               missing);
    write_file(p.path("db/desired.sql"), kUsersWithAge);
    BOOST_TEST(p.run({"diff"}).exit_code == 3);
    BOOST_TEST(p.run({"diff", "--schema-file", "schema.sql"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(diff_refuses_an_unknown_format) {
    AutogenProject p;
    const RunResult r = p.run({"diff", "--format", "text"});
    BOOST_TEST(r.exit_code == 2, r);
}

BOOST_AUTO_TEST_CASE(autogenerate_writes_the_pair_that_migrates_to_the_schema_file_and_back) {
    AutogenProject p;
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    exec_sql(p.path("app.db"), "INSERT INTO users VALUES (1, 'ann', 'a@x'), (2, 'bob', NULL);");
    p.write_schema(kUsersWithAge +
                   "CREATE TABLE user_preferences (user_id INTEGER PRIMARY KEY REFERENCES "
                   "users(id) ON DELETE CASCADE, theme TEXT NOT NULL DEFAULT 'light');\n");
    const RunResult r = p.run({"revision", "--autogenerate", "-m", "add user preferences"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r);
    BOOST_TEST(r.out ==
               "sql/0002_add_user_preferences.up.sql\nsql/0002_add_user_preferences.down.sql\n");
    const std::string up = file_bytes(p.path("sql/0002_add_user_preferences.up.sql"));
    BOOST_TEST(starts_with(up, "-- revision: "), up);
    BOOST_TEST(contains(up, "-- down_revision: aaaa00000001\n-- message: add user preferences\n"),
               up);
    BOOST_TEST(contains(up, "ALTER TABLE users ADD COLUMN age INTEGER;"), up);
    BOOST_TEST(contains(up, "CREATE TABLE user_preferences"), up);
    BOOST_TEST(!contains(up, "Write the upgrade below"), up);
    const std::string down = file_bytes(p.path("sql/0002_add_user_preferences.down.sql"));
    BOOST_TEST(contains(down, "DROP TABLE user_preferences;"), down);

    const RunResult upgraded = p.run({"upgrade", "head"});
    BOOST_TEST_REQUIRE(upgraded.exit_code == 0, upgraded);
    BOOST_TEST(p.run({"diff"}).exit_code == 0);
    BOOST_TEST(query_column(p.path("app.db"), "SELECT name FROM users ORDER BY id") ==
               (std::vector<std::string>{"ann", "bob"}));
    BOOST_TEST(table_columns(p.path("app.db"), "users") ==
               (std::vector<std::string>{"id", "name", "email", "age"}));

    const RunResult downgraded = p.run({"downgrade", "-1"});
    BOOST_TEST_REQUIRE(downgraded.exit_code == 0, downgraded);
    BOOST_TEST(table_names(p.path("app.db")) ==
               (std::vector<std::string>{"runner_version", "runner_version_log", "users"}));
    BOOST_TEST(query_column(p.path("app.db"), "SELECT email FROM users ORDER BY id") ==
               (std::vector<std::string>{"a@x", "NULL"}));
}

BOOST_AUTO_TEST_CASE(autogenerate_with_no_difference_writes_nothing_and_says_so) {
    AutogenProject p;
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    const auto before = p.migration_files();
    const std::string heads = file_bytes(p.path("sql/HEADS"));
    const RunResult r = p.run({"revision", "--autogenerate", "-m", "nothing"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out ==
               "No changes in schema detected: schema.sql agrees with the migrations at the head "
               "(aaaa00000001); nothing was written\n");
    BOOST_TEST(p.migration_files() == before);
    BOOST_TEST(file_bytes(p.path("sql/HEADS")) == heads);
}

BOOST_AUTO_TEST_CASE(autogenerate_refuses_a_database_that_is_not_at_the_heads) {
    AutogenProject p;
    p.write_schema(kUsersWithAge);
    const auto before = p.migration_files();
    // runner.ini names app.db, which has nothing applied yet.
    const RunResult r = p.run({"revision", "--autogenerate", "-m", "add age"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.err ==
               "runner: error: Target database is not up to date. app.db is at base (nothing "
               "applied), not at the head (aaaa00000001): run 'runner upgrade heads' first, then "
               "autogenerate again\n");
    BOOST_TEST(p.migration_files() == before);
    BOOST_TEST(!file_exists(p.path("app.db")), "the check never creates the database");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    BOOST_TEST(p.run({"revision", "--autogenerate", "-m", "add age"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(autogenerate_refuses_renames_the_schemas_contradict_and_writes_nothing) {
    AutogenProject p;
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    p.write_schema(
        "CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\n");
    const auto before = p.migration_files();
    const RunResult missing =
        p.run({"revision", "--autogenerate", "-m", "x", "--rename", "people=members"});
    BOOST_TEST(missing.exit_code == 1, missing);
    BOOST_TEST(missing.err ==
               "runner: error: --rename people=members: there is no table people in the current "
               "schema\n");
    const RunResult column =
        p.run({"revision", "--autogenerate", "-m", "x", "--rename", "users.mail=address"});
    BOOST_TEST(column.exit_code == 1, column);
    BOOST_TEST(contains(column.err, "--rename users.mail=address: "), column);
    const RunResult bad = p.run({"revision", "--autogenerate", "-m", "x", "--rename", "users"});
    BOOST_TEST(bad.exit_code == 2, bad);
    BOOST_TEST(p.migration_files() == before);
}

BOOST_AUTO_TEST_CASE(a_rename_hint_keeps_the_rows_of_a_renamed_table) {
    AutogenProject p;
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    exec_sql(p.path("app.db"), "INSERT INTO users VALUES (1, 'ann', 'a@x');");
    p.write_schema(
        "CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\n");
    const RunResult r =
        p.run({"revision", "--autogenerate", "-m", "rename users", "--rename", "users=members"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r);
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    BOOST_TEST(query_column(p.path("app.db"), "SELECT name FROM members") ==
               (std::vector<std::string>{"ann"}));
    BOOST_TEST(p.run({"diff"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(rename_and_schema_file_need_autogenerate) {
    AutogenProject p;
    BOOST_TEST(p.run({"revision", "-m", "x", "--rename", "a=b"}).exit_code == 2);
    BOOST_TEST(p.run({"revision", "-m", "x", "--schema-file", "s.sql"}).exit_code == 2);
    BOOST_TEST(p.migration_files().size() == 5u);
}

}  // namespace
}  // namespace runner::integration
