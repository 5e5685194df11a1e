// `runner verify` re-reads after each step only what the step touched: rows a trigger deletes,
// and tables a step renames, must still be seen.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

void write_root(const Project& p) {
    write_migration(p.dir(), "0001_root", "root0001", {},
                    "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n"
                    "CREATE TABLE log (msg TEXT);\n",
                    "DROP TABLE log;\nDROP TABLE t;\n");
}

BOOST_AUTO_TEST_SUITE(verify_touched_tables)

BOOST_AUTO_TEST_CASE(with_db_rows_a_trigger_deletes_in_the_down_are_data_loss) {
    Project p;
    write_root(p);
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST_REQUIRE(up.exit_code == 0, up);
    exec_sql(p.db(), "INSERT INTO log (msg) VALUES ('a'), ('b'), ('c');");
    // The down never names log: only the trigger it fires deletes from it.
    write_migration(p.dir(), "0002_bad", "bad10002", {"root0001"}, "CREATE TABLE x (id INTEGER);\n",
                    "CREATE TRIGGER wipe AFTER INSERT ON t BEGIN DELETE FROM log; END;\n"
                    "INSERT INTO t (v) VALUES ('z');\n"
                    "DELETE FROM t WHERE v = 'z';\n"
                    "DROP TRIGGER wipe;\n"
                    "DROP TABLE x;\n");

    const RunResult r = p.run({"verify"});

    BOOST_TEST(r.exit_code == 8, r);
    BOOST_TEST(contains(r.out,
                        "/0002_bad.down.sql: data loss: the down leaves 0 of the 3 rows log "
                        "had before the up (it existed before the up)\n"),
               r.out);
}

BOOST_AUTO_TEST_CASE(with_db_rows_lost_in_a_table_the_down_renames_back_are_data_loss) {
    Project p;
    write_root(p);
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST_REQUIRE(up.exit_code == 0, up);
    exec_sql(p.db(), "INSERT INTO t (v) VALUES ('a'), ('b'), ('c');");
    // The up moves t away and leaves an empty t; the down's rename brings back the empty one.
    write_migration(p.dir(), "0002_bad", "bad10002", {"root0001"},
                    "ALTER TABLE t RENAME TO t_old;\n"
                    "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n",
                    "DROP TABLE t_old;\n");

    const RunResult r = p.run({"verify"});

    BOOST_TEST(r.exit_code == 8, r);
    BOOST_TEST(contains(r.out,
                        "/0002_bad.down.sql: data loss: the down leaves 0 of the 3 rows t "
                        "had before the up (it existed before the up)\n"),
               r.out);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
