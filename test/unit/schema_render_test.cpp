// Tests of writing a schema model as SQL and JSON: dependency order, canonical form, and the
// same text whatever order the model was built in.
#include "schema/render.hpp"

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

KeyPart key(const std::string& column, const std::string& collation = "BINARY") {
    return {column, "", collation, false};
}

TableDef table(const std::string& name, std::vector<ColumnDef> columns) {
    TableDef t;
    t.name = name;
    t.columns = std::move(columns);
    return t;
}

ForeignKey references(const std::string& child, const std::string& parent) {
    ForeignKey f;
    f.columns = {child};
    f.parent_table = parent;
    f.parent_columns = {"id"};
    return f;
}

std::vector<std::string> order_of(const Schema& s) {
    std::vector<std::string> out;
    for (const TableDef* t : tables_in_dependency_order(s)) {
        out.push_back(t->name);
    }
    return out;
}

BOOST_AUTO_TEST_SUITE(schema_render)

BOOST_AUTO_TEST_CASE(referenced_tables_come_before_the_tables_that_reference_them) {
    Schema s;
    TableDef a = table("a_comments", {column("id", "INTEGER"), column("post_id", "INTEGER")});
    a.foreign_keys = {references("post_id", "posts")};
    TableDef p = table("posts", {column("id", "INTEGER"), column("user_id", "INTEGER")});
    p.foreign_keys = {references("user_id", "Users")};
    TableDef u = table("users", {column("id", "INTEGER"), column("boss", "INTEGER")});
    u.foreign_keys = {references("boss", "users")};  // a self-reference is no dependency
    s.tables = {a, p, u, table("b_tags", {column("id", "INTEGER")})};

    BOOST_TEST(order_of(s) == (std::vector<std::string>{"b_tags", "users", "posts", "a_comments"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_reference_cycle_is_broken_at_the_name_that_sorts_first) {
    Schema s;
    TableDef x = table("x", {column("y_id", "INTEGER")});
    x.foreign_keys = {references("y_id", "y")};
    TableDef y = table("y", {column("x_id", "INTEGER")});
    y.foreign_keys = {references("x_id", "x")};
    TableDef z = table("z", {column("x_id", "INTEGER")});
    z.foreign_keys = {references("x_id", "x"), references("m_id", "missing")};
    s.tables = {z, y, x};

    BOOST_TEST(order_of(s) == (std::vector<std::string>{"x", "y", "z"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_table_is_written_with_every_kind_of_column_and_constraint) {
    TableDef t = table("orders", {column("id", "INTEGER"), column("email", "TEXT"),
                                  column("total", "REAL"), column("order", "REAL")});
    t.columns[1].not_null = true;
    t.columns[1].collation = "NOCASE";
    t.columns[1].default_sql = "''";
    t.columns[2].default_sql = "abs(-1)";
    t.columns[3].generated = Generated::kStored;
    t.columns[3].generated_sql = "total * 2";
    t.primary_key = {key("id")};
    t.autoincrement = true;
    t.uniques = {{{key("email", "NOCASE"), key("total", "RTRIM")}}};
    t.checks = {{"", "total >= 0"}, {"sane", "length(email) < 200"}};
    ForeignKey f = references("email", "customers");
    f.parent_columns = {"email"};
    f.on_delete = "CASCADE";
    f.match = "SIMPLE";
    f.deferred = true;
    t.foreign_keys = {f};

    BOOST_TEST(table_sql(t) ==
               "CREATE TABLE orders (\n"
               "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
               "    email TEXT NOT NULL DEFAULT '' COLLATE NOCASE,\n"
               "    total REAL DEFAULT (abs(-1)),\n"
               "    \"order\" REAL GENERATED ALWAYS AS (total * 2) STORED,\n"
               "    UNIQUE (email, total COLLATE RTRIM),\n"
               "    CHECK (total >= 0),\n"
               "    CONSTRAINT sane CHECK (length(email) < 200),\n"
               "    FOREIGN KEY (email) REFERENCES customers (email) ON DELETE CASCADE MATCH "
               "SIMPLE DEFERRABLE INITIALLY DEFERRED\n"
               ")");
}

BOOST_AUTO_TEST_CASE(composite_keys_and_table_options_are_written_after_the_columns) {
    TableDef t = table("pairs", {column("a", "TEXT"), column("b", "INT")});
    t.primary_key = {{"a", "", "NOCASE", true}, key("b")};
    t.strict = true;
    t.without_rowid = true;

    BOOST_TEST(table_sql(t) ==
               "CREATE TABLE pairs (\n"
               "    a TEXT,\n"
               "    b INT,\n"
               "    PRIMARY KEY (a COLLATE NOCASE DESC, b)\n"
               ") STRICT, WITHOUT ROWID");
}

BOOST_AUTO_TEST_CASE(indexes_views_and_triggers_follow_the_tables_sorted_by_name) {
    Schema s;
    s.tables = {table("t", {column("a", "TEXT")})};
    s.tables[0].columns[0].collation = "NOCASE";
    s.indexes = {IndexDef{"z_idx", "t", false, {key("a", "NOCASE")}, ""},
                 IndexDef{"A_idx", "t", true, {{"", "lower(a)", "BINARY", true}}, "a > ''"}};
    s.views = {ViewDef{"v2", {}, "SELECT a FROM t"}, ViewDef{"v1", {"x"}, "SELECT a FROM t"}};
    s.triggers = {TriggerDef{"trg", "t", "AFTER INSERT ON t BEGIN SELECT 1; END"}};

    BOOST_TEST(render_schema_sql(s) ==
               "CREATE TABLE t (\n    a TEXT COLLATE NOCASE\n);\n"
               "CREATE UNIQUE INDEX A_idx ON t ((lower(a)) DESC) WHERE a > '';\n"
               "CREATE INDEX z_idx ON t (a);\n"
               "CREATE VIEW v1 (x) AS SELECT a FROM t;\n"
               "CREATE VIEW v2 AS SELECT a FROM t;\n"
               "CREATE TRIGGER trg AFTER INSERT ON t BEGIN SELECT 1; END;\n");
}

BOOST_AUTO_TEST_CASE(the_model_as_json_names_every_part) {
    Schema s;
    s.tables = {table("t", {column("a", "TEXT")})};
    s.tables[0].primary_key = {key("a")};
    s.indexes = {IndexDef{"i", "t", false, {key("a")}, ""}};

    BOOST_TEST(render_schema_json(s) ==
               "{\"tables\":[{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"TEXT\","
               "\"not_null\":false,\"default\":null,\"collation\":\"BINARY\","
               "\"primary_key_position\":1}],\"primary_key\":[{\"column\":\"a\","
               "\"collation\":\"BINARY\",\"descending\":false}],\"autoincrement\":false,"
               "\"unique\":[],\"checks\":[],\"foreign_keys\":[],\"strict\":false,"
               "\"without_rowid\":false}],\"indexes\":[{\"name\":\"i\",\"table\":\"t\","
               "\"unique\":false,\"parts\":[{\"column\":\"a\",\"collation\":\"BINARY\","
               "\"descending\":false}],\"where\":null}],\"views\":[],\"triggers\":[]}");
}

BOOST_AUTO_TEST_CASE(canonical_order_makes_the_same_schema_render_the_same_text) {
    Schema one;
    one.tables = {table("b", {column("x", "INT")}), table("a", {column("y", "INT")})};
    one.tables[0].checks = {{"", "x > 1"}, {"", "x < 9"}};
    one.tables[0].foreign_keys = {references("x", "a"), references("y", "a")};
    Schema two = one;
    std::swap(two.tables[0], two.tables[1]);
    std::swap(two.tables[1].checks[0], two.tables[1].checks[1]);
    std::swap(two.tables[1].foreign_keys[0], two.tables[1].foreign_keys[1]);

    canonicalize(one);
    canonicalize(two);

    BOOST_TEST(render_schema_sql(one) == render_schema_sql(two));
    BOOST_TEST(render_schema_json(one) == render_schema_json(two));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
