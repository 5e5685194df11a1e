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

}  // namespace

BOOST_AUTO_TEST_SUITE(foreign_keys)

BOOST_AUTO_TEST_CASE(migration_that_orphans_rows_is_rolled_back_naming_table_and_row) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild,
                    "DROP TABLE child; DROP TABLE parent;");
    write_migration(p.dir(), "0002_orphan", "b2", {"a1"},
                    "CREATE TABLE note (x);\nDELETE FROM parent WHERE id = 1;\n", "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, p.dir() + "/0002_orphan.up.sql: foreign key check failed after the "
                                         "migration ran, so it was rolled back: child rowid 10 "
                                         "references a missing row in parent"),
               r);
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

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "0003_orphan.up.sql: foreign key check failed"), r);
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

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "0003_orphan.up.sql: foreign key check failed after the migration "
                        "ran, so it was rolled back: child rowid 20 references a missing "
                        "row in owner"),
               r);
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

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "0002_rebuild.up.sql: foreign key check failed"), r);
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

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "0003_retire.up.sql: foreign key check failed after the migration "
                        "ran, so it was rolled back: child rowid 10 references a missing "
                        "row in parent"),
               r);
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

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "0003_orphan_pet.up.sql: foreign key check failed after the "
                        "migration ran, so it was rolled back: pet rowid 7 references a "
                        "missing row in PARENT"),
               r);
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

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "foreign key mismatch"), r);
    BOOST_TEST(query_column(p.db(),
                            "SELECT count(*) FROM sqlite_master WHERE name = "
                            "'parent_code'") == std::vector<std::string>{"1"});
}

BOOST_AUTO_TEST_SUITE_END()
