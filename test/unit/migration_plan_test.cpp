// Tests of autogenerate's planner on schema models built in memory: which changes become ALTERs
// and which rebuilds, the order of drops and creates, the review notes, renames, and the inverse.
#include "schema/migration_plan.hpp"

#include <boost/test/unit_test.hpp>

#include <regex>
#include <sstream>
#include <string>

#include "util/error.hpp"

namespace runner {
namespace {

ColumnDef col(const std::string& name, const std::string& type, bool not_null = false,
              const std::string& default_sql = "") {
    ColumnDef c;
    c.name = name;
    c.type = type;
    c.not_null = not_null;
    c.default_sql = default_sql;
    return c;
}

TableDef table(const std::string& name, std::vector<ColumnDef> columns) {
    TableDef t;
    t.name = name;
    t.columns = std::move(columns);
    t.primary_key = {KeyPart{t.columns.front().name, "", "BINARY", false}};
    return t;
}

TableDef users() {
    return table("users", {col("id", "INTEGER"), col("name", "TEXT", true), col("email", "TEXT")});
}

Schema schema(std::vector<TableDef> tables, std::vector<ViewDef> views = {},
              std::vector<TriggerDef> triggers = {}, std::vector<IndexDef> indexes = {}) {
    Schema s;
    s.tables = std::move(tables);
    s.views = std::move(views);
    s.triggers = std::move(triggers);
    s.indexes = std::move(indexes);
    canonicalize(s);
    return s;
}

// The lines of `sql` that are statements (not comments, not blank), in order.
std::vector<std::string> statements(const std::string& sql) {
    std::vector<std::string> out;
    std::istringstream in(sql);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.rfind("--", 0) != 0 && line.rfind("    ", 0) != 0 &&
            line[0] != ')') {
            out.push_back(line);
        }
    }
    return out;
}

std::size_t position(const std::string& sql, const std::string& text) {
    const std::size_t at = sql.find(text);
    BOOST_TEST_REQUIRE(at != std::string::npos, "'" << text << "' is not in:\n" << sql);
    return at;
}

BOOST_AUTO_TEST_CASE(equal_schemas_plan_nothing) {
    const MigrationPlan plan = plan_migration(schema({users()}), schema({users()}), {});
    BOOST_TEST(plan.up.empty);
    BOOST_TEST(plan.down.empty);
    BOOST_TEST(plan.up.sql == "");
}

BOOST_AUTO_TEST_CASE(a_nullable_column_is_added_in_place_and_dropped_by_the_down) {
    TableDef b = users();
    b.columns.push_back(col("bio", "TEXT"));
    const MigrationPlan plan = plan_migration(schema({users()}), schema({b}), {});
    BOOST_TEST(statements(plan.up.sql) ==
                   std::vector<std::string>{"ALTER TABLE users ADD COLUMN bio TEXT;"},
               boost::test_tools::per_element());
    BOOST_TEST(
        statements(plan.down.sql) == std::vector<std::string>{"ALTER TABLE users DROP COLUMN bio;"},
        boost::test_tools::per_element());
    BOOST_TEST(plan.up.reviews.empty());
    BOOST_TEST(plan.down.reviews.size() == 1u);
    BOOST_TEST(plan.down.sql.find("-- REVIEW This drops column users.bio") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_not_null_column_without_default_is_rebuilt_with_a_review_note) {
    TableDef b = users();
    b.columns.push_back(col("age", "INTEGER", true));
    const PlannedScript up = plan_script(schema({users()}), schema({b}), {});
    BOOST_TEST(up.sql.find("CREATE TABLE runner_new_users") != std::string::npos);
    BOOST_TEST_REQUIRE(up.reviews.size() == 1u);
    BOOST_TEST(up.reviews[0].find("users.age is NOT NULL without a DEFAULT") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_check_change_is_a_rebuild_in_the_twelve_step_order) {
    TableDef a = users();
    TableDef b = users();
    b.checks.push_back({"", "length(name) > 0"});
    const PlannedScript up = plan_script(schema({a}), schema({b}), {});
    const std::vector<std::string> expected = {"PRAGMA legacy_alter_table = ON;",
                                               "CREATE TABLE runner_new_users (",
                                               "INSERT INTO runner_new_users (id, name, email)",
                                               "DROP TABLE users;",
                                               "ALTER TABLE runner_new_users RENAME TO users;",
                                               "PRAGMA legacy_alter_table = OFF;"};
    BOOST_TEST(statements(up.sql) == expected, boost::test_tools::per_element());
    BOOST_TEST(up.sql.find("SELECT id, name, email FROM users;") != std::string::npos);
    BOOST_TEST(up.sql.find("users gets CHECK (length(name) > 0)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(generated_columns_are_not_copied_and_autoincrement_counters_are) {
    TableDef a = users();
    a.autoincrement = true;
    TableDef b = a;
    ColumnDef g = col("upper_name", "TEXT");
    g.generated = Generated::kStored;
    g.generated_sql = "upper(name)";
    b.columns.push_back(g);
    const PlannedScript up = plan_script(schema({a}), schema({b}), {});
    BOOST_TEST(up.sql.find("SELECT id, name, email FROM users;") != std::string::npos);
    BOOST_TEST(
        up.sql.find("INSERT INTO sqlite_sequence (name, seq)\n    SELECT 'runner_new_users', "
                    "seq FROM sqlite_sequence WHERE name = 'users' COLLATE NOCASE;") !=
        std::string::npos);
    BOOST_TEST(position(up.sql, "INSERT INTO sqlite_sequence") <
               position(up.sql, "DROP TABLE users"));
}

BOOST_AUTO_TEST_CASE(a_column_made_not_null_with_a_default_copies_nulls_as_the_default) {
    TableDef b = users();
    b.columns[2] = col("email", "TEXT", true, "''");
    const PlannedScript up = plan_script(schema({users()}), schema({b}), {});
    BOOST_TEST(up.sql.find("SELECT id, name, coalesce(email, '') FROM users;") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_narrowed_type_carries_a_review_note) {
    TableDef b = users();
    b.columns[2].type = "INTEGER";
    const PlannedScript up = plan_script(schema({users()}), schema({b}), {});
    BOOST_TEST_REQUIRE(up.reviews.size() == 1u);
    BOOST_TEST(up.reviews[0].find("users.email narrows from TEXT to INTEGER") != std::string::npos);
    const PlannedScript down = plan_script(schema({b}), schema({users()}), {});
    BOOST_TEST(down.reviews.empty());
}

BOOST_AUTO_TEST_CASE(views_reading_a_rebuilt_table_are_dropped_before_and_created_after) {
    TableDef b = users();
    b.columns[1].collation = "NOCASE";
    const std::vector<ViewDef> views = {{"named", {}, "SELECT id, name FROM users"},
                                        {"named2", {}, "SELECT name FROM named"},
                                        {"other", {}, "SELECT 1"}};
    const PlannedScript up = plan_script(schema({users()}, views), schema({b}, views), {});
    BOOST_TEST(position(up.sql, "DROP VIEW named2;") < position(up.sql, "DROP VIEW named;"));
    BOOST_TEST(position(up.sql, "DROP VIEW named;") < position(up.sql, "DROP TABLE users;"));
    BOOST_TEST(position(up.sql, "RENAME TO users;") < position(up.sql, "CREATE VIEW named AS"));
    BOOST_TEST(position(up.sql, "CREATE VIEW named AS") <
               position(up.sql, "CREATE VIEW named2 AS"));
    BOOST_TEST(up.sql.find("VIEW other") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(rebuilding_a_parent_of_cascading_children_guards_against_foreign_keys_on) {
    TableDef child = table("posts", {col("id", "INTEGER"), col("user_id", "INTEGER")});
    ForeignKey fk;
    fk.columns = {"user_id"};
    fk.parent_table = "users";
    fk.parent_columns = {"id"};
    fk.on_delete = "CASCADE";
    child.foreign_keys.push_back(fk);
    TableDef b = users();
    b.checks.push_back({"", "length(name) > 0"});
    const PlannedScript up = plan_script(schema({users(), child}), schema({b, child}), {});
    BOOST_TEST(position(up.sql, "SELECT foreign_keys FROM pragma_foreign_keys") <
               position(up.sql, "DROP TABLE users;"));
    TableDef child_b = child;
    child_b.checks.push_back({"", "user_id > 0"});
    const PlannedScript child_only =
        plan_script(schema({users(), child}), schema({users(), child_b}), {});
    BOOST_TEST(child_only.sql.find("DROP TABLE posts;") != std::string::npos);
    BOOST_TEST(child_only.sql.find("pragma_foreign_keys") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(rebuilding_a_self_referencing_table_guards_against_foreign_keys_on) {
    // The new copy references the old table by name: dropping it would cascade into the copy.
    TableDef a = table("node", {col("id", "INTEGER"), col("parent", "INTEGER")});
    ForeignKey fk;
    fk.columns = {"parent"};
    fk.parent_table = "node";
    fk.parent_columns = {"id"};
    fk.on_delete = "CASCADE";
    a.foreign_keys.push_back(fk);
    TableDef b = a;
    b.checks.push_back({"", "parent != id"});
    const PlannedScript up = plan_script(schema({a}), schema({b}), {});
    BOOST_TEST(position(up.sql, "SELECT foreign_keys FROM pragma_foreign_keys") <
               position(up.sql, "DROP TABLE node;"));
}

BOOST_AUTO_TEST_CASE(a_dropped_table_carries_a_review_note_that_is_not_a_header_line) {
    TableDef people = table("people", {col("id", "INTEGER")});
    TableDef persons = table("persons", {col("id", "INTEGER")});
    const PlannedScript up = plan_script(schema({users(), people}), schema({users(), persons}), {});
    BOOST_TEST(up.sql.find("-- REVIEW This drops table people and all its rows. If it was renamed "
                           "(to persons?), generate again with --rename people=NEW") !=
               std::string::npos);
    // runner's header grammar: `-- key: value` with a single word before the colon.
    const std::regex header_like(R"(^\s*--\s*[A-Za-z_-]+\s*:)");
    std::istringstream in(up.sql);
    for (std::string line; std::getline(in, line);) {
        BOOST_TEST(!std::regex_search(line, header_like), line);
    }
}

BOOST_AUTO_TEST_CASE(rename_hints_become_renames_and_the_down_renames_back) {
    TableDef a = users();
    TableDef b = users();
    b.name = "members";
    b.columns[2].name = "mail";
    const std::vector<RenameHint> hints = {parse_rename_hint("users=members"),
                                           parse_rename_hint("users.email=mail")};
    const MigrationPlan plan = plan_migration(schema({a}), schema({b}), hints);
    const std::vector<std::string> up = {"PRAGMA legacy_alter_table = OFF;",
                                         "ALTER TABLE users RENAME COLUMN email TO mail;",
                                         "ALTER TABLE users RENAME TO members;"};
    BOOST_TEST(statements(plan.up.sql) == up, boost::test_tools::per_element());
    const std::vector<std::string> down = {"PRAGMA legacy_alter_table = OFF;",
                                           "ALTER TABLE members RENAME COLUMN mail TO email;",
                                           "ALTER TABLE members RENAME TO users;"};
    BOOST_TEST(statements(plan.down.sql) == down, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rename_hints_are_parsed_and_bad_ones_refused) {
    const RenameHint t = parse_rename_hint("users=members");
    BOOST_TEST(t.table == "users");
    BOOST_TEST(t.column == "");
    BOOST_TEST(t.new_name == "members");
    const RenameHint c = parse_rename_hint("\"odd.name\".\"a\"\"b\"=c");
    BOOST_TEST(c.table == "odd.name");
    BOOST_TEST(c.column == "a\"b");
    BOOST_TEST(c.new_name == "c");
    for (const char* bad : {"users", "=x", "users=", "a.b.c=d", "a=b=c", "\"a=b"}) {
        BOOST_CHECK_THROW(parse_rename_hint(bad), UsageError);
    }
}

BOOST_AUTO_TEST_CASE(a_hint_naming_a_missing_table_or_column_is_an_error) {
    TableDef b = users();
    b.name = "members";
    BOOST_CHECK_THROW(
        plan_script(schema({users()}), schema({b}), {parse_rename_hint("nope=members")}), Error);
    BOOST_CHECK_THROW(
        plan_script(schema({users()}), schema({users()}), {parse_rename_hint("users.nope=x")}),
        Error);
}

}  // namespace
}  // namespace runner
