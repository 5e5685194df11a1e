// Tests of reading CHECKs, collations, generated columns, AUTOINCREMENT, DEFERRABLE, index
// expressions and view and trigger bodies out of CREATE text as SQLite stores it.
#include "schema/ddl_text.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "schema/normalize.hpp"

namespace runner {
namespace {

BOOST_AUTO_TEST_SUITE(schema_ddl_text)

BOOST_AUTO_TEST_CASE(column_and_table_checks_are_found_with_their_names) {
    const TableText t = parse_create_table(
        "CREATE TABLE t(a INT CHECK (a > 0), b TEXT CONSTRAINT b_len CHECK(length(b) < 9), "
        "c DEFAULT 'CHECK (x)', CONSTRAINT pair CHECK (a < c), CHECK (b <> 'x'))");

    BOOST_TEST_REQUIRE(t.checks.size() == 4U);
    BOOST_TEST(t.checks[0].name == "");
    BOOST_TEST(normalize_sql(t.checks[0].expression) == "a > 0");
    BOOST_TEST(t.checks[1].name == "b_len");
    BOOST_TEST(normalize_sql(t.checks[1].expression) == "length(b) < 9");
    BOOST_TEST(t.checks[2].name == "pair");
    BOOST_TEST(t.checks[3].name == "");
    BOOST_TEST(normalize_sql(t.checks[3].expression) == "b != 'x'");
    BOOST_TEST(t.columns.size() == 3U);
}

BOOST_AUTO_TEST_CASE(renamed_and_altered_tables_are_read_like_fresh_ones) {
    // ALTER TABLE RENAME writes the new name quoted; ADD COLUMN appends to the text.
    const TableText t = parse_create_table(
        "CREATE TABLE \"t_new\"(a INTEGER PRIMARY KEY AUTOINCREMENT, b text collate nocase, "
        "c TEXT DEFAULT 'q' CHECK (c != 'z'))");

    BOOST_TEST_REQUIRE(t.columns.size() == 3U);
    BOOST_TEST(t.autoincrement);
    BOOST_TEST(t.columns[1].name == "b");
    BOOST_TEST(t.columns[1].collation == "NOCASE");
    BOOST_TEST(t.checks.size() == 1U);
}

BOOST_AUTO_TEST_CASE(generated_columns_keep_their_expression_and_storage) {
    const TableText t = parse_create_table(
        "CREATE TABLE g(a INT, b AS (a + 1) STORED, c INTEGER GENERATED ALWAYS AS (a * 2), "
        "[d e] AS (a) VIRTUAL)");

    BOOST_TEST_REQUIRE(t.columns.size() == 4U);
    BOOST_TEST((t.columns[1].generated == Generated::kStored));
    BOOST_TEST(normalize_sql(t.columns[1].generated_sql) == "a + 1");
    BOOST_TEST((t.columns[2].generated == Generated::kVirtual));
    BOOST_TEST(normalize_sql(t.columns[2].generated_sql) == "a * 2");
    BOOST_TEST(t.columns[3].name == "d e");
    BOOST_TEST((t.columns[3].generated == Generated::kVirtual));
    BOOST_TEST(!t.autoincrement);
}

BOOST_AUTO_TEST_CASE(foreign_keys_say_whether_they_are_initially_deferred) {
    const TableText t = parse_create_table(
        "CREATE TABLE c(x REFERENCES p NOT NULL, y, z REFERENCES p(id) ON DELETE SET NULL "
        "DEFERRABLE INITIALLY DEFERRED, FOREIGN KEY (y) REFERENCES \"p\"(id) ON UPDATE NO "
        "ACTION MATCH SIMPLE NOT DEFERRABLE INITIALLY DEFERRED, FOREIGN KEY(x, y) REFERENCES "
        "q(a, b) DEFERRABLE INITIALLY IMMEDIATE)");

    BOOST_TEST_REQUIRE(t.foreign_keys.size() == 4U);
    BOOST_TEST(t.foreign_keys[0].columns == std::vector<std::string>{"x"});
    BOOST_TEST(!t.foreign_keys[0].deferred);
    BOOST_TEST(t.foreign_keys[1].columns == std::vector<std::string>{"z"});
    BOOST_TEST(t.foreign_keys[1].deferred);
    BOOST_TEST(t.foreign_keys[2].parent_table == "p");
    BOOST_TEST(!t.foreign_keys[2].deferred);
    BOOST_TEST(t.foreign_keys[3].columns == (std::vector<std::string>{"x", "y"}));
    BOOST_TEST(!t.foreign_keys[3].deferred);
}

BOOST_AUTO_TEST_CASE(a_table_made_from_a_select_has_no_column_text) {
    const TableText t = parse_create_table("CREATE TABLE copy AS SELECT * FROM t");
    BOOST_TEST(t.columns.empty());
    BOOST_TEST(t.checks.empty());
}

BOOST_AUTO_TEST_CASE(index_items_lose_their_collation_and_order_and_keep_the_where) {
    const IndexText i = parse_create_index(
        "CREATE UNIQUE INDEX IF NOT EXISTS main.\"i\" ON t (lower(name) COLLATE NOCASE DESC, "
        "a ASC, (b + 1)) WHERE a > 0 AND name IS NOT NULL");

    BOOST_TEST(i.unique);
    BOOST_TEST_REQUIRE(i.items.size() == 3U);
    BOOST_TEST(i.items[0] == "lower(name)");
    BOOST_TEST(i.items[1] == "a");
    BOOST_TEST(i.items[2] == "(b + 1)");
    BOOST_TEST(normalize_sql(i.where) == "a > 0 AND name IS NOT NULL");
    BOOST_TEST(!parse_create_index("CREATE INDEX i ON t(a)").unique);
    BOOST_TEST(parse_create_index("CREATE INDEX i ON t(a)").where.empty());
}

BOOST_AUTO_TEST_CASE(views_and_triggers_keep_their_bodies_normalised) {
    const ViewText v =
        parse_create_view("CREATE VIEW IF NOT EXISTS \"v\"(x, [y]) AS\n  select a,b from t");
    BOOST_TEST(v.columns == (std::vector<std::string>{"x", "y"}));
    BOOST_TEST(v.select == "SELECT a, b FROM t");

    BOOST_TEST(parse_create_trigger("CREATE TRIGGER trg AFTER INSERT ON \"t\" BEGIN\n"
                                    "  UPDATE t SET a = 1; -- note\nEND") ==
               "AFTER INSERT ON t BEGIN UPDATE t SET a = 1; END");
    BOOST_TEST(parse_create_trigger("CREATE TRIGGER t1 INSERT ON t FOR EACH ROW WHEN new.begin "
                                    "BEGIN SELECT 1; END") ==
               "BEFORE INSERT ON t WHEN NEW.\"begin\" BEGIN SELECT 1; END");
    BOOST_TEST(parse_create_trigger("create trigger t2 before delete on t for each row begin "
                                    "select 1; end") == "BEFORE DELETE ON t BEGIN SELECT 1; END");
    BOOST_TEST(parse_create_virtual_table("CREATE VIRTUAL TABLE f USING fts5(a, b)") ==
               "fts5(a, b)");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
