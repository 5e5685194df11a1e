// `runner verify`: up, down, up again for every revision; each bad down is reported with its
// revision, file and a readable diff; --db works on a copy and never writes the file.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// root: table t (with an index and a trigger); then whatever the case adds as "bad1".
void write_root(const Project& p) {
    write_migration(p.dir(), "0001_root", "root0001", {},
                    "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT CHECK (v != ''));\n"
                    "CREATE TABLE log (msg TEXT);\n"
                    "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES "
                    "(NEW.v); END;\n",
                    "DROP TABLE log;\nDROP TABLE t;\n");
}

RunResult verify(const Project& p, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--dir", p.dir(), "verify"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_runner(args, p.root());
}

BOOST_AUTO_TEST_SUITE(verify_command)

BOOST_AUTO_TEST_CASE(the_example_migrations_pass) {
    TempDir tmp;

    const RunResult r = run_runner({"--dir", example_sql_dir(), "verify"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out ==
               "verify: 9 revisions (up, down, up again) on a scratch database in memory: all "
               "passed\n");
    BOOST_TEST(list_dir(tmp.path()).empty());
}

BOOST_AUTO_TEST_CASE(a_down_that_forgets_an_index_is_named_with_the_diff) {
    Project p;
    write_root(p);
    write_migration(p.dir(), "0002_bad", "bad10002", {"root0001"}, "CREATE INDEX t_v ON t (v);\n",
                    "SELECT 1;\n");

    const RunResult r = verify(p);

    BOOST_TEST(r.exit_code == 8, r);
    BOOST_TEST(contains(r.out, "FAIL bad10002 (0002_bad), " + p.dir() +
                                   "/0002_bad.down.sql: the down does not give back the schema "
                                   "from before the up\n"
                                   "    extra index t_v on t: CREATE INDEX t_v ON t (v)\n"),
               r.out);
    // The second up fails on the index the down left behind: reported too.
    BOOST_TEST(contains(r.out, "FAIL bad10002 (0002_bad), " + p.dir() +
                                   "/0002_bad.up.sql: up again failed: "),
               r.out);
    BOOST_TEST(contains(r.out, "index t_v already exists"), r.out);
    BOOST_TEST(contains(r.out,
                        "verify: 2 revisions (up, down, up again) on a scratch database "
                        "in memory: 1 failed\n"),
               r.out);
}

BOOST_AUTO_TEST_CASE(a_down_that_drops_the_wrong_table_is_named) {
    Project p;
    write_root(p);
    write_migration(p.dir(), "0002_bad", "bad10002", {"root0001"}, "CREATE TABLE extra (x);\n",
                    "DROP TABLE log;\n");

    const RunResult r = verify(p);

    BOOST_TEST(r.exit_code == 8, r);
    BOOST_TEST(contains(r.out, "/0002_bad.down.sql: the down does not give back the schema"),
               r.out);
    BOOST_TEST(contains(r.out, "    extra table extra: CREATE TABLE extra (\n"), r.out);
    BOOST_TEST(contains(r.out, "    missing table log: CREATE TABLE log (\n"), r.out);
}

BOOST_AUTO_TEST_CASE(a_rebuild_down_that_loses_a_trigger_is_named) {
    Project p;
    write_root(p);
    write_migration(p.dir(), "0002_bad", "bad10002", {"root0001"},
                    "CREATE TABLE t_new (id INTEGER PRIMARY KEY, v TEXT CHECK (v != ''), w);\n"
                    "INSERT INTO t_new (id, v) SELECT id, v FROM t;\n"
                    "DROP TABLE t;\nALTER TABLE t_new RENAME TO t;\n"
                    "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES "
                    "(NEW.v); END;\n",
                    "CREATE TABLE t_old (id INTEGER PRIMARY KEY, v TEXT CHECK (v != ''));\n"
                    "INSERT INTO t_old SELECT id, v FROM t;\n"
                    "DROP TABLE t;\nALTER TABLE t_old RENAME TO t;\n");

    const RunResult r = verify(p);

    BOOST_TEST(r.exit_code == 8, r);
    BOOST_TEST(contains(r.out, "FAIL bad10002 (0002_bad), " + p.dir() +
                                   "/0002_bad.down.sql: the down does not give back the schema "
                                   "from before the up\n"
                                   "    missing trigger t_log on t: CREATE TRIGGER t_log AFTER "
                                   "INSERT ON t BEGIN INSERT INTO log VALUES (NEW.v); END\n"),
               r.out);
}

BOOST_AUTO_TEST_CASE(a_down_that_does_not_restore_a_check_is_named) {
    Project p;
    write_root(p);
    write_migration(p.dir(), "0002_bad", "bad10002", {"root0001"},
                    "CREATE TABLE t_new (id INTEGER PRIMARY KEY, v TEXT);\n"
                    "INSERT INTO t_new SELECT id, v FROM t;\n"
                    "DROP TABLE t;\nALTER TABLE t_new RENAME TO t;\n"
                    "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES "
                    "(NEW.v); END;\n",
                    "CREATE TABLE t_old (id INTEGER PRIMARY KEY, v TEXT);\n"
                    "INSERT INTO t_old SELECT id, v FROM t;\n"
                    "DROP TABLE t;\nALTER TABLE t_old RENAME TO t;\n"
                    "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES "
                    "(NEW.v); END;\n");

    const RunResult r = verify(p);

    BOOST_TEST(r.exit_code == 8, r);
    BOOST_TEST(contains(r.out, "    missing check on t: CHECK (v != '')\n"), r.out);
}

BOOST_AUTO_TEST_CASE(with_db_a_down_that_deletes_rows_of_an_older_table_is_data_loss) {
    Project p;
    write_root(p);
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST_REQUIRE(up.exit_code == 0, up);
    exec_sql(p.db(), "INSERT INTO t (v) VALUES ('a'), ('b'), ('c');");
    write_migration(p.dir(), "0002_bad", "bad10002", {"root0001"},
                    "ALTER TABLE t ADD COLUMN w TEXT;\n",
                    "ALTER TABLE t DROP COLUMN w;\nDELETE FROM t WHERE v = 'b';\n");
    const std::string before = file_bytes(p.db());

    const RunResult r = p.run({"verify"});
    const RunResult scratch = verify(p);

    BOOST_TEST(r.exit_code == 8, r);
    BOOST_TEST(contains(r.out, "FAIL bad10002 (0002_bad), " + p.dir() +
                                   "/0002_bad.down.sql: data loss: the down leaves 2 of the 3 "
                                   "rows t had before the up (it existed before the up)\n"),
               r.out);
    BOOST_TEST(contains(r.out, "skipped root0001: already applied in "), r.out);
    BOOST_TEST(contains(r.out, "on a copy of " + p.db() + ": 1 failed\n"), r.out);
    // The real file is never written, and no copy is left behind.
    BOOST_TEST(file_bytes(p.db()) == before);
    BOOST_TEST(list_dir(p.root()) == (std::vector<std::string>{"sql", "test.db"}));
    // Without data, the same migrations pass.
    BOOST_TEST(scratch.exit_code == 0, scratch);
}

BOOST_AUTO_TEST_CASE(every_failing_revision_is_reported_and_later_ones_still_verified) {
    Project p;
    write_root(p);
    write_migration(p.dir(), "0002_bad", "bad10002", {"root0001"}, "CREATE INDEX t_v ON t (v);\n",
                    "SELECT 1;\n");
    write_migration(p.dir(), "0003_good", "good0003", {"bad10002"}, "CREATE TABLE g (x);\n",
                    "DROP TABLE g;\n");
    write_migration(p.dir(), "0004_bad", "bad20004", {"good0003"}, "CREATE TABLE h (x);\n",
                    "DROP TABLE g;\n");

    const RunResult r = verify(p, {"--format", "json"});

    BOOST_TEST(r.exit_code == 8, r);
    BOOST_TEST(
        contains(r.out, "\"verified\":[\"root0001\",\"bad10002\",\"good0003\",\"bad20004\"]"),
        r.out);
    BOOST_TEST(contains(r.out, "\"failed\":2"), r.out);
    BOOST_TEST(contains(r.out, "{\"revision\":\"bad20004\",\"step\":\"down\""), r.out);
    BOOST_TEST(!contains(r.out, "\"revision\":\"good0003\",\"step\""), r.out);
}

BOOST_AUTO_TEST_CASE(branches_merges_and_depends_on_pass_and_a_range_narrows) {
    Project p;
    write_root(p);
    write_migration(p.dir(), "0002_a", "aaaa0002", {"root0001"}, "CREATE TABLE a (x);\n",
                    "DROP TABLE a;\n", {"branch_labels: left"});
    write_migration(p.dir(), "0003_b", "bbbb0003", {"root0001"},
                    "CREATE VIEW tv AS SELECT v FROM t;\n", "DROP VIEW tv;\n",
                    {"branch_labels: right"});
    write_migration(p.dir(), "0004_c", "cccc0004", {"root0001"}, "CREATE INDEX a_x ON a (x);\n",
                    "DROP INDEX a_x;\n", {"depends_on: aaaa0002"});
    write_migration(p.dir(), "0005_m", "mmmm0005", {"aaaa0002", "bbbb0003", "cccc0004"},
                    "ALTER TABLE a ADD COLUMN y;\n", "ALTER TABLE a DROP COLUMN y;\n");

    const RunResult all = verify(p);
    const RunResult some = verify(p, {"-r", "bbbb0003:mmmm0005", "--format", "json"});

    BOOST_TEST(all.exit_code == 0, all);
    BOOST_TEST(contains(all.out,
                        "verify: 5 revisions (up, down, up again) on a scratch database "
                        "in memory: all passed\n"),
               all.out);
    BOOST_TEST(some.exit_code == 0, some);
    BOOST_TEST(contains(some.out, "\"verified\":[\"bbbb0003\",\"mmmm0005\"]"), some.out);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
