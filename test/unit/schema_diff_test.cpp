// Tests of comparing two schema models: what is extra, missing or changed, in a fixed order, as
// text a person reads and as JSON.
#include "schema/diff.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace runner {
namespace {

ColumnDef column(const std::string& name, const std::string& type) {
    ColumnDef c;
    c.name = name;
    c.type = type;
    return c;
}

// users(id, email) with an index, a view and a trigger.
Schema base() {
    Schema s;
    TableDef users;
    users.name = "users";
    users.columns = {column("id", "INTEGER"), column("email", "TEXT")};
    users.primary_key = {{"id", "", "BINARY", false}};
    users.checks = {{"", "length(email) > 3"}};
    TableDef posts;
    posts.name = "posts";
    posts.columns = {column("id", "INTEGER"), column("user_id", "INTEGER")};
    ForeignKey fk;
    fk.columns = {"user_id"};
    fk.parent_table = "users";
    fk.parent_columns = {"id"};
    fk.on_delete = "CASCADE";
    posts.foreign_keys = {fk};
    s.tables = {posts, users};
    s.indexes = {IndexDef{"posts_user_id", "posts", false, {{"user_id", "", "BINARY", false}}, ""}};
    s.views = {ViewDef{"emails", {}, "SELECT email FROM users"}};
    s.triggers = {TriggerDef{"users_touch", "users",
                             "AFTER UPDATE ON users BEGIN UPDATE users SET email = email; END"}};
    return s;
}

BOOST_AUTO_TEST_SUITE(schema_diff)

BOOST_AUTO_TEST_CASE(equal_schemas_have_no_differences_whatever_the_spelling) {
    Schema other = base();
    other.tables[1].name = "USERS";
    other.tables[1].columns[1].name = "Email";
    other.tables[1].checks[0].expression = "LENGTH( \"email\" )>3";
    other.triggers[0].definition =
        "after update on \"users\" begin update users set email=email;end";

    BOOST_TEST(diff_schemas(base(), other).empty());
    BOOST_TEST(render_differences_text({}) == "");
    BOOST_TEST(render_differences_json({}) == "[]");
}

BOOST_AUTO_TEST_CASE(every_kind_of_difference_is_reported_in_a_fixed_order) {
    Schema live = base();
    TableDef& users = live.tables[1];
    users.columns.push_back(column("nickname", "TEXT"));    // hand-added column
    users.columns[1].not_null = true;                       // changed column
    users.checks[0].expression = "length(email) > 5";       // changed CHECK
    live.tables[0].foreign_keys[0].on_delete = "SET NULL";  // changed FK action
    live.tables[0].strict = true;
    live.indexes.clear();  // dropped index
    live.triggers[0].definition = "AFTER UPDATE ON users BEGIN SELECT 1; END";
    live.views.push_back(ViewDef{"audit", {}, "SELECT 1"});

    const auto d = diff_schemas(base(), live);

    BOOST_TEST(render_differences_text(d) ==
               "changed table option STRICT of posts\n"
               "    expected: (none)\n"
               "    actual:   STRICT\n"
               "changed foreign key on posts\n"
               "    expected: FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE\n"
               "    actual:   FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL\n"
               "changed column users.email\n"
               "    expected: email TEXT\n"
               "    actual:   email TEXT NOT NULL\n"
               "extra column users.nickname: nickname TEXT\n"
               "changed check on users\n"
               "    expected: CHECK (length(email) > 3)\n"
               "    actual:   CHECK (length(email) > 5)\n"
               "missing index posts_user_id on posts: CREATE INDEX posts_user_id ON posts "
               "(user_id)\n"
               "extra view audit: CREATE VIEW audit AS SELECT 1\n"
               "changed trigger users_touch on users\n"
               "    expected: CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN UPDATE users "
               "SET email = email; END\n"
               "    actual:   CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; "
               "END\n");
}

BOOST_AUTO_TEST_CASE(whole_tables_and_column_order_are_reported) {
    Schema live = base();
    live.tables.erase(live.tables.begin());  // posts is missing
    std::swap(live.tables[0].columns[0], live.tables[0].columns[1]);
    TableDef extra;
    extra.name = "audit";
    extra.columns = {column("at", "TEXT")};
    live.tables.push_back(extra);

    const auto d = diff_schemas(base(), live);

    BOOST_TEST_REQUIRE(d.size() == 3U);
    BOOST_TEST((d[0].kind == DifferenceKind::kExtra));
    BOOST_TEST(d[0].object == "table");
    BOOST_TEST(d[0].actual == "CREATE TABLE audit (\n    at TEXT\n)");
    BOOST_TEST((d[1].kind == DifferenceKind::kMissing));
    BOOST_TEST(d[1].name == "posts");
    BOOST_TEST(d[2].object == "column order");
    BOOST_TEST(d[2].expected == "id, email");
    BOOST_TEST(d[2].actual == "email, id");
}

BOOST_AUTO_TEST_CASE(an_unpaired_constraint_is_missing_or_extra_not_changed) {
    Schema live = base();
    live.tables[1].checks[0].name = "named";  // a different name: a different constraint
    live.tables[0].foreign_keys[0].columns = {"id"};

    const auto d = diff_schemas(base(), live);

    BOOST_TEST(render_differences_text(d) ==
               "missing foreign key on posts: FOREIGN KEY (user_id) REFERENCES users (id) ON "
               "DELETE CASCADE\n"
               "extra foreign key on posts: FOREIGN KEY (id) REFERENCES users (id) ON DELETE "
               "CASCADE\n"
               "missing check on users: CHECK (length(email) > 3)\n"
               "extra check on users: CONSTRAINT named CHECK (length(email) > 3)\n");
}

BOOST_AUTO_TEST_CASE(differences_as_json_have_null_for_the_absent_side) {
    Schema live = base();
    live.views.clear();

    BOOST_TEST(render_differences_json(diff_schemas(base(), live)) ==
               "[{\"kind\":\"missing\",\"object\":\"view\",\"table\":\"\",\"name\":\"emails\","
               "\"expected\":\"CREATE VIEW emails AS SELECT email FROM users\",\"actual\":null}]");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
