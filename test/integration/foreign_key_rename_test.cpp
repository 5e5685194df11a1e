// Foreign-key checks across table renames and dropped parents: a migration that writes rows and
// then renames their table is checked under the new name, violations the data had before a
// rename are still not the migration's, and a parent dropped earlier in the run is no error.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

using namespace runner::integration;

namespace {

const char* kParentChild =
    "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));\n"
    "INSERT INTO parent VALUES (1), (2);\n"
    "INSERT INTO child VALUES (10, 1), (20, 2);\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(foreign_key_renames)

BOOST_AUTO_TEST_CASE(an_orphan_inserted_and_then_renamed_away_fails_and_changes_nothing) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    write_migration(p.dir(), "0002_orphan", "b2", {"a1"},
                    "INSERT INTO child VALUES (30, 99);\n"
                    "ALTER TABLE child RENAME TO kid;\n",
                    "SELECT 1;");
    const auto schema = schema_dump(p.db());
    const auto rows = query_column(p.db(), "SELECT id || ':' || parent_id FROM child ORDER BY id");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "0002_orphan.up.sql: foreign key check failed after the migration "
                        "ran, so it was rolled back: kid rowid 30 references a missing "
                        "row in parent"),
               r);
    // Only the audit log tells of the failure.
    BOOST_TEST(schema_dump(p.db()) == schema);
    BOOST_TEST(query_column(p.db(), "SELECT id || ':' || parent_id FROM child ORDER BY id") ==
               rows);
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version") ==
               std::vector<std::string>{"a1"});
    BOOST_TEST(
        query_column(p.db(), "SELECT action FROM runner_version_log WHERE revision = 'b2'") ==
        std::vector<std::string>{"failed"});
}

BOOST_AUTO_TEST_CASE(an_orphan_the_data_had_does_not_block_renaming_its_table_or_its_parent) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    exec_sql(p.db(), "INSERT INTO child VALUES (30, 99);");  // an orphan the data already has
    write_migration(p.dir(), "0002_rename_child", "b2", {"a1"},
                    "ALTER TABLE child RENAME TO kid;\n", "SELECT 1;");
    write_migration(p.dir(), "0003_rename_parent", "c3", {"b2"},
                    "ALTER TABLE parent RENAME TO owner;\n", "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM runner_version") ==
               std::vector<std::string>{"3"});
}

// With a baseline too long to hold whole, each migration is followed by the full check, which
// names the violations by the tables' new names.
BOOST_AUTO_TEST_CASE(ten_thousand_orphans_the_data_had_do_not_block_renaming_their_tables) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "head"}).exit_code == 0);
    exec_sql(p.db(),
             "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 10099) "
             "INSERT INTO child SELECT i, 99 FROM n;");
    write_migration(p.dir(), "0002_rename_child", "b2", {"a1"},
                    "ALTER TABLE child RENAME TO kid;\n", "SELECT 1;");
    write_migration(p.dir(), "0003_rename_parent", "c3", {"b2"},
                    "ALTER TABLE parent RENAME TO owner;\n", "SELECT 1;");
    write_migration(p.dir(), "0004_orphan", "d4", {"c3"}, "INSERT INTO kid VALUES (5, 98);\n",
                    "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "0004_orphan.up.sql: foreign key check failed after the migration "
                        "ran, so it was rolled back: kid rowid 5 references a missing "
                        "row in owner"),
               r);
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version ORDER BY revision") ==
               (std::vector<std::string>{"a1", "b2", "c3"}));
}

BOOST_AUTO_TEST_CASE(rows_written_to_a_child_after_its_parent_was_dropped_earlier_in_the_run) {
    Project p;
    write_migration(p.dir(), "0001_tables", "a1", {}, kParentChild, "SELECT 1;");
    // Checking this row prepares a lookup in parent, which the next migration drops.
    write_migration(p.dir(), "0002_child", "b2", {"a1"}, "INSERT INTO child VALUES (30, 1);\n",
                    "SELECT 1;");
    write_migration(p.dir(), "0003_no_parent", "c3", {"b2"},
                    "DELETE FROM child;\nDROP TABLE parent;\n", "SELECT 1;");
    write_migration(p.dir(), "0004_unowned", "d4", {"c3"}, "INSERT INTO child VALUES (40, NULL);\n",
                    "SELECT 1;");
    write_migration(p.dir(), "0005_orphan", "e5", {"d4"}, "INSERT INTO child VALUES (50, 1);\n",
                    "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "0005_orphan.up.sql: foreign key check failed after the migration "
                        "ran, so it was rolled back: child rowid 50 references a missing "
                        "row in parent"),
               r);
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version ORDER BY revision") ==
               (std::vector<std::string>{"a1", "b2", "c3", "d4"}));
}

BOOST_AUTO_TEST_SUITE_END()
