// Loading the desired schema file: where its name comes from (--schema-file, schema_file =,
// schema.sql beside the config file), what it builds, and the errors a user sees for it.
#include "exec/desired_schema.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>

#include "app/config.hpp"
#include "db/sqlite/open_sqlite.hpp"
#include "schema/render.hpp"
#include "support.hpp"

namespace runner::integration {
namespace {

namespace fs = std::filesystem;

// A fresh folder with files written into it.
class Folder {
  public:
    std::string write(const std::string& name, const std::string& text) const {
        write_file(tmp_ / name, text);
        return tmp_ / name;
    }
    std::string path(const std::string& name) const { return tmp_ / name; }

  private:
    TempDir tmp_;
};

Schema load(const SchemaFile& file) {
    const auto scratch = open_sqlite_scratch("runner_version");
    return load_schema_file(*scratch, file, {"runner_version"});
}

// The message a failing load gives.
std::string load_error(const SchemaFile& file) {
    try {
        load(file);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

BOOST_AUTO_TEST_CASE(a_schema_file_builds_the_schema_its_statements_create) {
    Folder dir;
    const std::string path = dir.write("schema.sql",
                                       "-- the desired schema\n"
                                       "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n"
                                       "CREATE INDEX users_name ON users(name);\n"
                                       "CREATE VIEW names AS SELECT name FROM users;\n");
    const Schema s = load({path, "--schema-file"});
    BOOST_TEST(render_schema_sql(s) ==
               "CREATE TABLE users (\n    id INTEGER PRIMARY KEY,\n    name TEXT\n);\n"
               "CREATE INDEX users_name ON users (name);\n"
               "CREATE VIEW names AS SELECT name FROM users;\n");
}

BOOST_AUTO_TEST_CASE(a_syntax_error_names_the_schema_file_and_the_line_sqlite_stopped_at) {
    Folder dir;
    const std::string path = dir.write("schema.sql",
                                       "CREATE TABLE users (id INTEGER PRIMARY KEY);\n"
                                       "\n"
                                       "-- posts\n"
                                       "CREATE TABLE posts (\n"
                                       "  id INTEGER PRIMARY KEY,\n"
                                       "  body TEXT,,\n"
                                       ");\n");
    BOOST_TEST(load_error({path, "--schema-file"}) ==
               path + ":6: near \",\": syntax error (SQLITE_ERROR)");
}

BOOST_AUTO_TEST_CASE(a_statement_sqlite_refuses_names_its_line) {
    Folder dir;
    const std::string path = dir.write("schema.sql",
                                       "CREATE TABLE users (id INTEGER PRIMARY KEY);\n"
                                       "CREATE INDEX posts_user ON posts(user_id);\n");
    BOOST_TEST(load_error({path, "--schema-file"}) ==
               path + ":2: no such table: main.posts (SQLITE_ERROR)");
}

BOOST_AUTO_TEST_CASE(a_missing_schema_file_is_named_with_where_its_name_came_from) {
    Folder dir;
    const std::string path = dir.path("nope.sql");
    const std::string message = load_error({path, "schema_file in runner.ini"});
    BOOST_TEST(message.rfind("no schema file " + path + " (schema_file in runner.ini): ", 0) == 0,
               message);
    BOOST_TEST(message.find("runner schema > " + path) != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(a_directory_is_not_a_schema_file) {
    Folder dir;
    dir.write("schema.sql/x", "");
    BOOST_TEST(load_error({dir.path("schema.sql"), "--schema-file"}) ==
               "cannot read the schema file " + dir.path("schema.sql") +
                   " (--schema-file): it is a directory");
}

BOOST_AUTO_TEST_CASE(the_scratch_database_is_left_empty_after_loading) {
    Folder dir;
    const std::string path = dir.write("schema.sql", "CREATE TABLE t (a);\n");
    const auto scratch = open_sqlite_scratch("runner_version");
    load_schema_file(*scratch, {path, "--schema-file"}, {});
    BOOST_TEST(
        scratch->query("SELECT count(*) FROM sqlite_schema", {}, "counting").at(0).at(0).value() ==
        "0");
}

BOOST_AUTO_TEST_CASE(the_schema_file_defaults_to_schema_sql_beside_the_config_file) {
    Folder dir;
    const std::string config = dir.write("conf/runner.ini", "dir = migrations\n");
    Overrides overrides;
    overrides.config_file = config;
    const Settings s = resolve_settings(overrides, nullptr);
    BOOST_TEST(s.schema_file == dir.path("conf/schema.sql"));
    BOOST_TEST(s.schema_file_origin == "the default schema.sql beside " + config);
}

BOOST_AUTO_TEST_CASE(without_a_config_file_the_schema_file_is_schema_sql_here) {
    Overrides overrides;
    const std::string cwd = fs::current_path().string();
    Folder dir;
    fs::current_path(dir.path("."));
    const Settings s = resolve_settings(overrides, nullptr);
    fs::current_path(cwd);
    BOOST_TEST(s.schema_file == "schema.sql");
}

BOOST_AUTO_TEST_CASE(schema_file_in_the_config_is_relative_to_the_config_file) {
    Folder dir;
    const std::string config = dir.write("conf/runner.ini", "schema_file = db/desired.sql\n");
    Overrides overrides;
    overrides.config_file = config;
    const Settings s = resolve_settings(overrides, nullptr);
    BOOST_TEST(s.schema_file == dir.path("conf/db/desired.sql"));
    BOOST_TEST(s.schema_file_origin == "schema_file in " + config);
    const std::string message = load_error({s.schema_file, s.schema_file_origin});
    BOOST_TEST(message.rfind("no schema file " + dir.path("conf/db/desired.sql") +
                                 " (schema_file in " + config + "): ",
                             0) == 0,
               message);
}

BOOST_AUTO_TEST_CASE(an_empty_schema_file_setting_is_refused) {
    Folder dir;
    const std::string config = dir.write("runner.ini", "schema_file =\n");
    Overrides overrides;
    overrides.config_file = config;
    try {
        resolve_settings(overrides, nullptr);
        BOOST_ERROR("no error");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   config + ": schema_file is empty; name the desired schema's SQL file");
    }
}

}  // namespace
}  // namespace runner::integration
