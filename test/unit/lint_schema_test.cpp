// The lint checks on what an up did to the schema, on schema values (no database).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "lint/lint.hpp"

namespace runner {
namespace {

ColumnDef column(const std::string& name) {
    ColumnDef c;
    c.name = name;
    c.type = "INTEGER";
    return c;
}

KeyPart part(const std::string& name) {
    KeyPart k;
    k.column = name;
    k.collation = "BINARY";
    return k;
}

TableDef table(const std::string& name, const std::vector<std::string>& columns) {
    TableDef t;
    t.name = name;
    for (const auto& c : columns) {
        t.columns.push_back(column(c));
    }
    return t;
}

ForeignKey fk(const std::string& child, const std::string& parent) {
    ForeignKey f;
    f.columns = {child};
    f.parent_table = parent;
    f.parent_columns = {"id"};
    return f;
}

IndexDef index(const std::string& name, const std::string& on, const std::string& col) {
    IndexDef i;
    i.name = name;
    i.table = on;
    i.parts = {part(col)};
    return i;
}

LintFile up_file(const std::string& body) {
    LintFile f;
    f.path = "sql/0002_x.up.sql";
    f.revision = "r2";
    f.text = "-- revision: r2\n-- down_revision: r1\n\n" + body;
    return f;
}

// "code@line" of each finding, silenced ones in parentheses.
std::vector<std::string> codes(const std::vector<LintFinding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) {
        const std::string c = f.code + "@" + std::to_string(f.line);
        out.push_back(f.silenced ? "(" + c + ")" : c);
    }
    return out;
}

using Codes = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(lint_schema)

BOOST_AUTO_TEST_CASE(a_renamed_table_or_column_is_not_data_loss_but_a_dropped_one_is) {
    Schema before;
    before.tables = {table("a", {"id", "x"}), table("b", {"id"})};
    Schema after;
    after.tables = {table("a2", {"id", "y"})};

    BOOST_TEST(codes(lint_schema_change(up_file("ALTER TABLE a RENAME TO a2;\n"
                                                "ALTER TABLE a2 RENAME COLUMN x TO y;\n"
                                                "DROP TABLE b;\n"),
                                        before, after)) == (Codes{"data-loss@6"}));
    // Without the column rename, x is gone.
    BOOST_TEST(codes(lint_schema_change(up_file("ALTER TABLE a RENAME TO a2;\n-- lint_ignore: "
                                                "data-loss\nDROP TABLE b;\n"),
                                        before, after)) == (Codes{"data-loss@4", "(data-loss@6)"}));
}

BOOST_AUTO_TEST_CASE(a_rebuild_loses_only_what_it_did_not_drop_on_purpose) {
    Schema before;
    before.tables = {table("t", {"id", "v"})};
    before.indexes = {index("t_v", "t", "v"), index("t_old", "t", "id")};
    Schema after = before;
    after.indexes = {};
    const std::string rebuild =
        "CREATE TABLE t_new (id, v);\nINSERT INTO t_new SELECT * FROM t;\nDROP TABLE t;\n"
        "ALTER TABLE t_new RENAME TO t;\n";

    BOOST_TEST(codes(lint_schema_change(up_file("DROP INDEX t_old;\n" + rebuild), before, after)) ==
               (Codes{"rebuild-loses-objects@7"}));
    // Without a rebuild, a missing index is not the rebuild's doing.
    BOOST_TEST(
        codes(lint_schema_change(up_file("DROP INDEX t_v;\nDROP INDEX t_old;\n"), before, after))
            .empty());
}

BOOST_AUTO_TEST_CASE(a_foreign_key_is_covered_by_the_primary_key_a_unique_or_a_leading_index) {
    Schema before;
    before.tables = {table("p", {"id"})};
    before.tables[0].primary_key = {part("id")};
    Schema after = before;
    TableDef c = table("c", {"id", "p_id"});
    c.foreign_keys = {fk("p_id", "p")};
    after.tables.push_back(c);
    const LintFile up = up_file("CREATE TABLE c (id, p_id REFERENCES p (id));\n");

    BOOST_TEST(codes(lint_schema_change(up, before, after)) == (Codes{"fk-without-index@4"}));
    after.indexes = {index("c_p", "c", "p_id")};
    BOOST_TEST(codes(lint_schema_change(up, before, after)).empty());
    after.indexes = {};
    after.tables[1].uniques = {UniqueConstraint{{part("p_id"), part("id")}}};
    BOOST_TEST(codes(lint_schema_change(up, before, after)).empty());
}

BOOST_AUTO_TEST_CASE(a_foreign_key_without_target_is_reported_by_the_revision_that_broke_it) {
    Schema before;
    TableDef c = table("c", {"id", "p_id"});
    c.foreign_keys = {fk("p_id", "p")};
    before.tables = {table("p", {"id"}), c};
    before.tables[0].primary_key = {part("id")};
    before.indexes = {index("c_p", "c", "p_id")};
    Schema after = before;
    after.tables.erase(after.tables.begin());

    BOOST_TEST(codes(lint_schema_change(up_file("DROP TABLE p;\n"), before, after)) ==
               (Codes{"data-loss@4", "fk-missing-target@4"}));
    // Already broken before this up: not this revision's finding.
    BOOST_TEST(codes(lint_schema_change(up_file("SELECT 1;\n"), after, after)).empty());
}

BOOST_AUTO_TEST_CASE(a_rename_that_rewrites_a_view_is_reported_at_the_rename) {
    Schema before;
    before.tables = {table("t", {"id"})};
    before.views = {ViewDef{"v", {}, "SELECT id FROM t"}};
    Schema after = before;
    after.views[0].select = "SELECT ident FROM t";
    after.tables[0].columns[0].name = "ident";

    BOOST_TEST(codes(lint_schema_change(up_file("ALTER TABLE t RENAME COLUMN id TO ident;\n"),
                                        before, after)) == (Codes{"rename-rewrites-dependents@4"}));
    // Dropped and created again by the migration itself: intended.
    BOOST_TEST(codes(lint_schema_change(up_file("DROP VIEW v;\nALTER TABLE t RENAME COLUMN id "
                                                "TO ident;\nCREATE VIEW v AS SELECT ident FROM "
                                                "t;\n"),
                                        before, after))
                   .empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
