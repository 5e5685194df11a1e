// Foreign keys: off while migrations run (rebuilds neither cascade nor lose rows), and checked
// before each commit so a migration that breaks references is rolled back.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

using namespace runner::integration;

namespace {

const char* kParentChild =
    "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE "
    "CASCADE);\n"
    "INSERT INTO parent VALUES (1), (2);\n"
    "INSERT INTO child VALUES (10, 1), (20, 2);\n";

// The run failed (exit 1) and said `text`.
void expect_failure_saying(const RunResult& r, const std::string& text) {
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, text), r);
}

// The run failed because the migration in `file` left a new violation, told as `violation`
// ("child rowid 10 references a missing row in parent"), and was rolled back.
void expect_rolled_back(const RunResult& r, const std::string& file, const std::string& violation) {
    expect_failure_saying(r, file +
                                 ": foreign key check failed after the migration ran, so it was "
                                 "rolled back: " +
                                 violation);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(foreign_keys)

BOOST_AUTO_TEST_CASE(migration_that_orphans_rows_is_rolled_back_naming_table_and_row) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild,
                    "DROP TABLE child; DROP TABLE parent;");
    write_migration(p.dir(), "0002_orphan", "b2", {"a1"},
                    "CREATE TABLE note (x);\nDELETE FROM parent WHERE id = 1;\n", "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    expect_rolled_back(r, p.dir() + "/0002_orphan.up.sql",
                       "child rowid 10 references a missing row in parent");
    // The first migration stays; the failed one left nothing (no cascade, no note table).
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version") ==
               std::vector<std::string>{"a1"});
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM parent") ==
               std::vector<std::string>{"2"});
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM child") == std::vector<std::string>{"2"});
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM sqlite_master WHERE name = 'note'") ==
               std::vector<std::string>{"0"});
}

BOOST_AUTO_TEST_CASE(table_rebuild_pattern_neither_cascades_nor_loses_rows) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    // Rebuild parent (create new, copy, drop, rename): with enforcement on, the DROP would
    // cascade-delete every child row.
    write_migration(p.dir(), "0002_rebuild", "b2", {"a1"},
                    "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, label TEXT);\n"
                    "INSERT INTO parent_new (id) SELECT id FROM parent;\n"
                    "DROP TABLE parent;\n"
                    "ALTER TABLE parent_new RENAME TO parent;\n",
                    "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM child") == std::vector<std::string>{"2"});
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM parent") ==
               std::vector<std::string>{"2"});
}

BOOST_AUTO_TEST_CASE(foreign_keys_declared_through_a_rebuild_are_checked_in_later_migrations) {
    Project p;
    // No foreign keys at first; a rebuild (created under another name, then renamed) adds one.
    write_migration(p.dir(), "0001_tables", "a1", {},
                    "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
                    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER);\n"
                    "INSERT INTO parent VALUES (1);\nINSERT INTO child VALUES (10, 1);\n",
                    "SELECT 1;");
    write_migration(p.dir(), "0002_add_fk", "b2", {"a1"},
                    "CREATE TABLE child_new (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES "
                    "parent(id));\n"
                    "INSERT INTO child_new SELECT * FROM child;\n"
                    "DROP TABLE child;\n"
                    "ALTER TABLE child_new RENAME TO child;\n",
                    "SELECT 1;");
    write_migration(p.dir(), "0003_orphan", "c3", {"b2"}, "DELETE FROM parent;\n", "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    expect_failure_saying(r, "0003_orphan.up.sql: foreign key check failed");
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version ORDER BY revision") ==
               (std::vector<std::string>{"a1", "b2"}));
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM parent") ==
               std::vector<std::string>{"1"});
}

BOOST_AUTO_TEST_CASE(violations_that_existed_before_the_run_do_not_block_it) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    BOOST_TEST(p.run({"upgrade", "head"}).exit_code == 0);
    exec_sql(p.db(), "INSERT INTO child VALUES (30, 99);");  // an orphan the data already has
    write_migration(p.dir(), "0002_more", "b2", {"a1"}, "CREATE TABLE more (x);\n",
                    "DROP TABLE more;");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM runner_version") ==
               std::vector<std::string>{"2"});
}

BOOST_AUTO_TEST_CASE(atomic_upgrade_is_all_or_nothing) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    write_migration(p.dir(), "0002_orphan", "b2", {"a1"}, "DELETE FROM parent;\n", "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head", "--atomic"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(!file_exists(p.db()), "a failed atomic run on a new database leaves no file");
}

// The check after each migration looks only where that migration can have made violations:
// the tables it changed and the tables that reference them. These cases change the referenced
// table only indirectly, or in a migration after the one that set the references up, within
// one run (so what the runner learnt about the schema earlier in the run must stay true).

BOOST_AUTO_TEST_CASE(deleting_from_a_table_renamed_earlier_in_the_run_is_caught) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    write_migration(p.dir(), "0002_rename", "b2", {"a1"}, "ALTER TABLE parent RENAME TO owner;\n",
                    "SELECT 1;");
    write_migration(p.dir(), "0003_orphan", "c3", {"b2"}, "DELETE FROM Owner WHERE id = 2;\n",
                    "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    expect_rolled_back(r, "0003_orphan.up.sql", "child rowid 20 references a missing row in owner");
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version ORDER BY revision") ==
               (std::vector<std::string>{"a1", "b2"}));
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM owner") == std::vector<std::string>{"2"});
}

BOOST_AUTO_TEST_CASE(rebuild_that_renames_the_old_table_away_and_drops_it_is_caught) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    // The order SQLite's documentation warns about: the rename rewrites child's reference to
    // parent_old, which is then dropped, so every child row points nowhere.
    write_migration(p.dir(), "0002_rebuild", "b2", {"a1"},
                    "ALTER TABLE parent RENAME TO parent_old;\n"
                    "CREATE TABLE parent (id INTEGER PRIMARY KEY, label TEXT);\n"
                    "INSERT INTO parent (id) SELECT id FROM parent_old;\n"
                    "DROP TABLE parent_old;\n",
                    "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    expect_failure_saying(r, "0002_rebuild.up.sql: foreign key check failed");
    BOOST_TEST(contains(r.err, "references a missing row in parent_old"), r);
    BOOST_TEST(query_column(p.db(),
                            "SELECT sql LIKE '%label%' FROM sqlite_master WHERE name = "
                            "'parent'") == std::vector<std::string>{"0"});
}

BOOST_AUTO_TEST_CASE(rows_deleted_by_a_trigger_are_caught) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    write_migration(p.dir(), "0002_trigger", "b2", {"a1"},
                    "CREATE TABLE retired (id INTEGER);\n"
                    "CREATE TRIGGER retire AFTER INSERT ON retired BEGIN\n"
                    "  DELETE FROM parent WHERE id = new.id;\n"
                    "END;\n",
                    "SELECT 1;");
    write_migration(p.dir(), "0003_retire", "c3", {"b2"}, "INSERT INTO retired VALUES (1);\n",
                    "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    expect_rolled_back(r, "0003_retire.up.sql",
                       "child rowid 10 references a missing row in parent");
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM parent") ==
               std::vector<std::string>{"2"});
}

BOOST_AUTO_TEST_CASE(references_added_earlier_in_the_run_are_checked_later_in_it) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    write_migration(p.dir(), "0002_more_children", "b2", {"a1"},
                    "CREATE TABLE pet (id INTEGER PRIMARY KEY, owner INTEGER);\n"
                    "INSERT INTO pet VALUES (7, 2);\n"
                    "ALTER TABLE pet ADD COLUMN keeper INTEGER REFERENCES PARENT (id);\n"
                    "UPDATE pet SET keeper = owner;\n",
                    "SELECT 1;");
    // Child no longer references anything, so only pet's new reference can catch this.
    write_migration(p.dir(), "0003_orphan_pet", "c3", {"b2"},
                    "UPDATE child SET parent_id = NULL;\nDELETE FROM parent WHERE id = 2;\n",
                    "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    expect_rolled_back(r, "0003_orphan_pet.up.sql",
                       "pet rowid 7 references a missing row in PARENT");
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM child WHERE parent_id IS NULL") ==
               std::vector<std::string>{"0"});
}

BOOST_AUTO_TEST_CASE(dropping_the_index_a_reference_needs_fails_the_migration) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {},
                    "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT);\n"
                    "CREATE UNIQUE INDEX parent_code ON parent (code);\n"
                    "CREATE TABLE child (id INTEGER PRIMARY KEY, code TEXT REFERENCES parent "
                    "(code));\n"
                    "INSERT INTO parent VALUES (1, 'x');\nINSERT INTO child VALUES (10, 'x');\n",
                    "SELECT 1;");
    write_migration(p.dir(), "0002_drop_index", "b2", {"a1"}, "DROP INDEX parent_code;\n",
                    "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    expect_failure_saying(r, "foreign key mismatch");
    BOOST_TEST(query_column(p.db(),
                            "SELECT count(*) FROM sqlite_master WHERE name = "
                            "'parent_code'") == std::vector<std::string>{"1"});
}

// Rows written to a referencing table are looked up one by one (not the whole table); these
// must give PRAGMA foreign_key_check's verdict exactly: affinity, collation, NULLs, composite
// and implicit keys, and the cases that fall back to checking the whole table.

namespace {

// Upgrades a project whose first migration is `setup` and whose second is `change`; returns
// the second run's result (the first must succeed).
RunResult run_change(Project& p, const std::string& setup, const std::string& change) {
    write_migration(p.dir(), "0001_setup", "a1", {}, setup, "SELECT 1;");
    const RunResult first = p.run({"upgrade", "head"});
    BOOST_TEST_REQUIRE(first.exit_code == 0, first);
    write_migration(p.dir(), "0002_change", "b2", {"a1"}, change, "SELECT 1;");
    return p.run({"upgrade", "head"});
}

bool applied_change(const Project& p) {
    return query_column(p.db(), "SELECT count(*) FROM runner_version WHERE revision = 'b2'") ==
           std::vector<std::string>{"1"};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_new_row_referencing_a_missing_row_is_caught) {
    Project p;
    const RunResult r =
        run_change(p, kParentChild, "INSERT INTO child VALUES (30, 1), (40, 7), (50, 2);\n");
    expect_rolled_back(r, "0002_change.up.sql",
                       "child rowid 40 references a missing row in parent");
    BOOST_TEST(!applied_change(p));
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM child") == std::vector<std::string>{"2"});
}

BOOST_AUTO_TEST_CASE(values_the_foreign_key_converts_or_folds_match_as_sqlite_matches_them) {
    Project p;
    const RunResult r = run_change(
        p,
        "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT COLLATE NOCASE UNIQUE);\n"
        "INSERT INTO parent VALUES (1, 'abc');\n"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id TEXT REFERENCES parent (id),\n"
        "  code TEXT REFERENCES parent (code));\n",
        // '1' as text matches the integer key (the parent's affinity applies); 'ABC' matches
        // 'abc' under the parent column's NOCASE; NULLs reference nothing.
        "INSERT INTO child VALUES (10, '1', 'ABC'), (20, NULL, NULL), (30, 1, 'abc');\n");
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(applied_change(p));
    // And the same lookups do find what does not match.
    write_migration(p.dir(), "0003_bad", "c3", {"b2"},
                    "INSERT INTO child VALUES (40, '1.5', NULL);\n", "SELECT 1;");
    const RunResult bad = p.run({"upgrade", "head"});
    expect_failure_saying(bad, "child rowid 40 references a missing row in parent");
}

BOOST_AUTO_TEST_CASE(composite_and_implicit_primary_keys_are_looked_up_whole) {
    Project p;
    const RunResult r =
        run_change(p,
                   "CREATE TABLE parent (a INTEGER, b TEXT, PRIMARY KEY (a, b));\n"
                   "INSERT INTO parent VALUES (1, 'x'), (2, 'y');\n"
                   "CREATE TABLE child (id INTEGER PRIMARY KEY, a INTEGER, b TEXT,\n"
                   "  FOREIGN KEY (a, b) REFERENCES parent);\n",
                   "INSERT INTO child VALUES (10, 1, 'x'), (20, 2, NULL), (30, 1, 'y');\n");
    expect_failure_saying(r, "child rowid 30 references a missing row in parent");
    BOOST_TEST(!contains(r.err, "rowid 20"), r);
    BOOST_TEST(!applied_change(p));
}

BOOST_AUTO_TEST_CASE(replace_that_deletes_a_referenced_row_is_caught) {
    Project p;
    // REPLACE on the UNIQUE code deletes row 1, which child 10 references.
    const RunResult r = run_change(
        p,
        "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);\n"
        "INSERT INTO parent VALUES (1, 'a');\n"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent);\n"
        "INSERT INTO child VALUES (10, 1);\n",
        "INSERT OR REPLACE INTO parent VALUES (2, 'a');\n");
    expect_failure_saying(r, "child rowid 10 references a missing row in parent");
    BOOST_TEST(query_column(p.db(), "SELECT id FROM parent") == std::vector<std::string>{"1"});
}

BOOST_AUTO_TEST_CASE(changing_a_referenced_key_is_caught_and_other_columns_are_not_checked) {
    Project p;
    const RunResult r = run_change(
        p,
        "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE, note TEXT);\n"
        "INSERT INTO parent VALUES (1, 'a', ''), (2, 'b', '');\n"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, code TEXT REFERENCES parent (code));\n"
        "INSERT INTO child VALUES (10, 'a');\n",
        "UPDATE parent SET note = 'renamed' WHERE id = 1;\n");
    BOOST_TEST(r.exit_code == 0, r);
    write_migration(p.dir(), "0003_rekey", "c3", {"b2"},
                    "UPDATE parent SET code = 'z' WHERE id = 1;\n", "SELECT 1;");
    const RunResult rekey = p.run({"upgrade", "head"});
    expect_failure_saying(rekey, "0003_rekey.up.sql: foreign key check failed");
    BOOST_TEST(contains(rekey.err, "child rowid 10 references a missing row in parent"), rekey);
}

BOOST_AUTO_TEST_CASE(many_rows_and_without_rowid_tables_are_checked_whole) {
    Project p;
    // Five thousand good rows and one bad one: more than are looked up one by one.
    const RunResult r = run_change(
        p,
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);\nINSERT INTO parent VALUES (1);\n"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent);\n"
        "CREATE TABLE tag (name TEXT PRIMARY KEY, parent_id INTEGER REFERENCES parent) "
        "WITHOUT ROWID;\n",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)\n"
        "INSERT INTO child SELECT i, 1 FROM n;\n"
        "INSERT INTO child VALUES (9999, 5);\n");
    expect_failure_saying(r, "child rowid 9999 references a missing row in parent");
    write_migration(p.dir(), "0002_change", "b2", {"a1"},
                    "INSERT INTO tag VALUES ('ok', 1), ('bad', 3);\n", "SELECT 1;");
    const RunResult tag = p.run({"upgrade", "head"});
    expect_failure_saying(tag, "tag row with name = 'bad' references a missing row in parent");
}

BOOST_AUTO_TEST_SUITE_END()
