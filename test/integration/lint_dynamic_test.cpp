// `runner lint`'s checks on a scratch database: each revision up, down and up again, and what each
// up did to the schema. Every code triggered through the built binary, and every code silenced.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

RunResult lint(const Project& p, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--dir", p.dir(), "lint"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_runner(args, p.root());
}

// t (id, v) with an index on v and a trigger writing to log; a view over t.
void write_root(const Project& p) {
    write_migration(p.dir(), "0001_root", "root0001", {},
                    "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n"
                    "CREATE TABLE log (msg TEXT);\n"
                    "CREATE INDEX t_v ON t (v);\n"
                    "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (NEW.v); "
                    "END;\n"
                    "CREATE VIEW t_ids AS SELECT id FROM t;\n",
                    "DROP VIEW t_ids;\nDROP TABLE log;\nDROP TABLE t;\n");
}

void write_bad(const Project& p, const std::string& up, const std::string& down,
               const std::vector<std::string>& headers = {}) {
    write_root(p);
    write_migration(p.dir(), "0002_bad", "bad20002", {"root0001"}, up, down, headers);
}

std::string up_file(const Project& p) {
    return p.dir() + "/0002_bad.up.sql";
}
std::string down_file(const Project& p) {
    return p.dir() + "/0002_bad.down.sql";
}

// The table rebuilt the usual way; `extra` after the rename (indexes, triggers to recreate).
std::string rebuild(const std::string& columns, const std::string& copy, const std::string& extra) {
    return "DROP VIEW t_ids;\n"
           "CREATE TABLE t_new (" +
           columns + ");\nINSERT INTO t_new SELECT " + copy +
           " FROM t;\nDROP TABLE t;\nALTER TABLE t_new RENAME TO t;\n" + extra +
           "CREATE VIEW t_ids AS SELECT id FROM t;\n";
}

const std::string kRestore = rebuild(
    "id INTEGER PRIMARY KEY, v TEXT", "id, NULL",
    "CREATE INDEX t_v ON t (v);\nCREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log "
    "VALUES (NEW.v); END;\n");

}  // namespace

BOOST_AUTO_TEST_SUITE(lint_dynamic)

BOOST_AUTO_TEST_CASE(an_up_that_fails_on_a_scratch_database_is_an_error_at_its_line) {
    Project p;
    write_bad(p, "CREATE TABLE a (x);\nINSERT INTO nowhere VALUES (1);\n", "DROP TABLE a;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(contains(r.out, up_file(p) + ":6: error migration-fails: up failed: " + up_file(p) +
                                   ":6: no such table: nowhere"),
               r);

    write_bad(
        p,
        "CREATE TABLE a (x);\n-- lint_ignore: migration-fails\nINSERT INTO nowhere VALUES (1);\n",
        "DROP TABLE a;\n");
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(silenced.exit_code == 0, silenced);
    BOOST_TEST(contains(silenced.out, up_file(p) + ":7: silenced error migration-fails"), silenced);
}

BOOST_AUTO_TEST_CASE(a_down_that_does_not_undo_its_up_is_an_error_with_the_difference) {
    Project p;
    write_bad(p, "CREATE INDEX t_id_v ON t (id, v);\n", "SELECT 1;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(
        contains(r.out, down_file(p) + ":1: error down-not-undone: the down does not give back the "
                                       "schema from before the up: extra index t_id_v on t: "
                                       "CREATE INDEX t_id_v ON t (id, v)\n"),
        r);
    BOOST_TEST(!contains(r.out, "migration-fails"), r);  // the second up fails for that reason

    write_bad(p, "CREATE INDEX t_id_v ON t (id, v);\n", "SELECT 1;\n",
              {"lint_ignore: down-not-undone"});
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(silenced.exit_code == 0, silenced);
    BOOST_TEST(contains(silenced.out, down_file(p) + ":1: silenced error down-not-undone"),
               silenced);
}

BOOST_AUTO_TEST_CASE(dropping_a_table_or_a_column_is_data_loss) {
    Project p;
    const std::string up =
        "DROP TRIGGER t_log;\nDROP TABLE log;\nDROP INDEX t_v;\nALTER TABLE t DROP COLUMN v;\n";
    const std::string down =
        "ALTER TABLE t ADD COLUMN v TEXT;\nCREATE INDEX t_v ON t (v);\n"
        "CREATE TABLE log (msg TEXT);\nCREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO "
        "log VALUES (NEW.v); END;\n";
    write_bad(p, up, down);

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":6: warning data-loss: table 'log' is dropped, and its rows "
                                     "with it\n"),
        r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":8: warning data-loss: column 't.v' is dropped, and its "
                                     "values with it\n"),
        r);

    write_bad(p, up, down, {"lint_ignore: data-loss"});
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(contains(silenced.out, up_file(p) + ":7: silenced warning data-loss"), silenced);
    BOOST_TEST(contains(silenced.out, up_file(p) + ":9: silenced warning data-loss"), silenced);
    BOOST_TEST(contains(silenced.out, "0 errors, 0 warnings, 2 silenced"), silenced);
}

BOOST_AUTO_TEST_CASE(a_rebuild_that_leaves_a_column_behind_is_data_loss_and_renames_are_not) {
    Project p;
    write_bad(p,
              rebuild("id INTEGER PRIMARY KEY", "id",
                      "CREATE INDEX t_v ON t (id);\n"
                      "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES "
                      "(NEW.id); END;\n"),
              kRestore);

    const RunResult r = lint(p);

    BOOST_TEST(
        contains(r.out, up_file(p) + ":8: warning data-loss: table 't' is rebuilt without its "
                                     "column 'v', whose values are lost\n"),
        r);

    write_bad(p, "ALTER TABLE log RENAME TO journal;\nALTER TABLE t RENAME COLUMN v TO w;\n",
              "ALTER TABLE t RENAME COLUMN w TO v;\nALTER TABLE journal RENAME TO log;\n");
    const RunResult renamed = lint(p);
    BOOST_TEST(!contains(renamed.out, "data-loss"), renamed);

    write_bad(p,
              rebuild("id INTEGER PRIMARY KEY", "id",
                      "CREATE INDEX t_v ON t (id);\n"
                      "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES "
                      "(NEW.id); END;\n"),
              kRestore, {"lint_ignore: data-loss"});
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(contains(silenced.out, up_file(p) + ":9: silenced warning data-loss"), silenced);
}

BOOST_AUTO_TEST_CASE(a_rebuild_that_loses_an_index_a_trigger_or_a_view_is_an_error) {
    Project p;
    const std::string up =
        "CREATE TABLE t_new (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO t_new SELECT * FROM "
        "t;\nDROP VIEW t_ids;\nDROP TABLE t;\nALTER TABLE t_new RENAME TO t;\n";
    const std::string down =
        "CREATE TABLE t_new (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO t_new SELECT * FROM "
        "t;\nDROP TABLE t;\nALTER TABLE t_new RENAME TO t;\nCREATE INDEX t_v ON t (v);\n"
        "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (NEW.v); END;\n"
        "CREATE VIEW t_ids AS SELECT id FROM t;\n";
    write_bad(p, up, down);

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":8: error rebuild-loses-objects: the rebuild of table 't' "
                                     "loses its index 't_v' (dropped with the old table and not "
                                     "created again)\n"),
        r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":8: error rebuild-loses-objects: the rebuild of table 't' "
                                     "loses its trigger 't_log'"),
        r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":8: error rebuild-loses-objects: the rebuild of table 't' "
                                     "loses its view 't_ids'"),
        r);

    write_bad(p, up, down, {"lint_ignore: rebuild-loses-objects"});
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(silenced.exit_code == 0, silenced);
    BOOST_TEST(contains(silenced.out, "3 silenced by lint_ignore"), silenced);
}

BOOST_AUTO_TEST_CASE(a_foreign_key_without_an_index_on_its_columns_is_a_warning) {
    Project p;
    write_bad(p, "CREATE TABLE c (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t (id));\n",
              "DROP TABLE c;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":5: warning fk-without-index: the foreign key c (t_id) -> t "
                                     "has no index on c (t_id)"),
        r);

    write_bad(p,
              "CREATE TABLE c (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t (id));\n"
              "CREATE INDEX c_t_id ON c (t_id);\n",
              "DROP TABLE c;\n");
    BOOST_TEST(!contains(lint(p).out, "fk-without-index"));

    write_bad(p,
              "-- lint_ignore: fk-without-index\n"
              "CREATE TABLE c (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t (id));\n",
              "DROP TABLE c;\n");
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(contains(silenced.out, up_file(p) + ":6: silenced warning fk-without-index"),
               silenced);
}

BOOST_AUTO_TEST_CASE(a_foreign_key_to_a_table_or_column_that_does_not_exist_is_an_error) {
    Project p;
    write_bad(p,
              "CREATE TABLE c (id INTEGER PRIMARY KEY, x INTEGER REFERENCES nowhere (id));\n"
              "CREATE INDEX c_x ON c (x);\n",
              "DROP TABLE c;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(contains(r.out, up_file(p) +
                                   ":5: error fk-missing-target: the foreign key c (x) -> nowhere "
                                   "(id) has no target: table 'nowhere' does not exist\n"),
               r);

    write_bad(p,
              "-- lint_ignore: fk-missing-target\n"
              "CREATE TABLE c (id INTEGER PRIMARY KEY, x INTEGER REFERENCES nowhere (id));\n"
              "CREATE INDEX c_x ON c (x);\n",
              "DROP TABLE c;\n");
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(silenced.exit_code == 0, silenced);
    BOOST_TEST(contains(silenced.out, up_file(p) + ":6: silenced error fk-missing-target"),
               silenced);
}

BOOST_AUTO_TEST_CASE(a_rename_that_rewrites_a_view_or_a_trigger_is_a_warning) {
    Project p;
    write_bad(p, "ALTER TABLE t RENAME COLUMN id TO ident;\n",
              "ALTER TABLE t RENAME COLUMN ident TO id;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":5: warning rename-rewrites-dependents: view 't_ids' is "
                                     "rewritten by the rename; it now reads: "),
        r);

    write_bad(p, "ALTER TABLE t RENAME COLUMN id TO ident;\n",
              "ALTER TABLE t RENAME COLUMN ident TO id;\n",
              {"lint_ignore: rename-rewrites-dependents"});
    const RunResult silenced = lint(p, {"--verbose"});
    BOOST_TEST(
        contains(silenced.out, up_file(p) + ":6: silenced warning rename-rewrites-dependents"),
        silenced);
}

BOOST_AUTO_TEST_CASE(a_legacy_rename_that_breaks_a_view_is_reported) {
    Project p;
    write_bad(p, "PRAGMA legacy_alter_table = ON;\nALTER TABLE t RENAME TO t2;\n",
              "ALTER TABLE t2 RENAME TO t;\n");

    const RunResult r = lint(p);

    BOOST_TEST(
        contains(r.out, up_file(p) + ":6: warning rename-rewrites-dependents: view 't_ids' no "
                                     "longer works after the rename: "),
        r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::integration
