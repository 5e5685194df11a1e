// The schema the migrations produce (`runner schema`, `diff`, `check --schema`, autogenerate) is
// built on a scratch database in one transaction without bookkeeping when it can be; whatever
// that fast build cannot do the same way as `upgrade` (a non-transactional migration, a failing
// statement, a foreign-key violation, a file ending inside a comment, a migration that reads
// runner's own tables) must come out exactly as the migration-by-migration run would have it.
#include <boost/test/unit_test.hpp>

#include <string>

#include "support.hpp"

namespace runner::integration {
namespace {

RunResult schema_of(const Project& p) {
    return run_runner({"--dir", p.dir(), "schema"}, p.root());
}

// `runner schema` of the migrations and of the database they built, which must agree.
void require_same_schema_as_upgrade(const Project& p) {
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST_REQUIRE(up.exit_code == 0, up);
    const RunResult built = schema_of(p);
    const RunResult live = p.run({"schema", "--live"});
    BOOST_TEST_REQUIRE(built.exit_code == 0, built);
    BOOST_TEST_REQUIRE(live.exit_code == 0, live);
    BOOST_TEST(built.out == live.out);
}

// The first line of stderr that says "error".
std::string error_line(const RunResult& r) {
    for (const auto& line : lines_of(r.err)) {
        if (contains(line, "error")) {
            return line;
        }
    }
    return {};
}

BOOST_AUTO_TEST_SUITE(scratch_build)

BOOST_AUTO_TEST_CASE(a_history_with_a_non_transactional_migration_builds_what_upgrade_builds) {
    Project p;
    write_migration(p.dir(), "0001_t", "aaaa0001", {}, "CREATE TABLE t (id INTEGER PRIMARY KEY);\n",
                    "DROP TABLE t;\n");
    write_migration(p.dir(), "0002_idx", "bbbb0002", {"aaaa0001"},
                    "CREATE INDEX t_id ON t(id);\nVACUUM;\n", "DROP INDEX t_id;\n",
                    {"transactional: false"});
    write_migration(p.dir(), "0003_u", "cccc0003", {"bbbb0002"},
                    "CREATE TABLE u (id INTEGER REFERENCES t(id));\n", "DROP TABLE u;\n");
    const RunResult built = schema_of(p);
    BOOST_TEST_REQUIRE(built.exit_code == 0, built);
    BOOST_TEST(contains(built.out, "CREATE INDEX t_id"));
    BOOST_TEST(contains(built.out, "CREATE TABLE u"));
    require_same_schema_as_upgrade(p);
}

BOOST_AUTO_TEST_CASE(a_migration_that_reads_runners_own_tables_builds_as_under_upgrade) {
    // The fast build writes no bookkeeping: a migration that reads it must still work.
    Project p;
    write_migration(p.dir(), "0001_t", "aaaa0001", {}, "CREATE TABLE t (id INTEGER);\n",
                    "DROP TABLE t;\n");
    write_migration(p.dir(), "0002_v", "bbbb0002", {"aaaa0001"},
                    "CREATE TABLE applied_then AS SELECT count(*) AS n FROM runner_version;\n",
                    "DROP TABLE applied_then;\n");
    const RunResult built = schema_of(p);
    BOOST_TEST_REQUIRE(built.exit_code == 0, built);
    BOOST_TEST(contains(built.out, "applied_then"));
    require_same_schema_as_upgrade(p);
}

BOOST_AUTO_TEST_CASE(a_long_migration_file_builds_what_upgrade_builds) {
    // Files of more than a few KiB are read again for the build, not kept from loading.
    Project p;
    std::string rows = "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT);\n";
    for (int i = 0; i < 400; ++i) {
        rows += "INSERT INTO t (note) VALUES ('row " + std::to_string(i) + " of a long file');\n";
    }
    rows += "/* the end */ CREATE INDEX t_note ON t(note);\n";
    BOOST_TEST_REQUIRE(rows.size() > 8192U);
    write_migration(p.dir(), "0001_t", "aaaa0001", {}, rows, "DROP TABLE t;\n");
    const RunResult built = schema_of(p);
    BOOST_TEST_REQUIRE(built.exit_code == 0, built);
    BOOST_TEST(contains(built.out, "CREATE INDEX t_note"));
    require_same_schema_as_upgrade(p);
}

BOOST_AUTO_TEST_CASE(a_failing_statement_is_named_as_upgrade_names_it) {
    Project p;
    write_migration(p.dir(), "0001_t", "aaaa0001", {}, "CREATE TABLE t (id INTEGER);\n",
                    "DROP TABLE t;\n");
    write_migration(p.dir(), "0002_bad", "bbbb0002", {"aaaa0001"},
                    "CREATE TABLE u (id INTEGER);\n\nINSERT INTO missing VALUES (1);\n",
                    "DROP TABLE u;\n");
    const RunResult built = schema_of(p);
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST(built.exit_code != 0);
    BOOST_TEST(up.exit_code != 0);
    const int line = line_of(file_bytes(p.dir() + "/0002_bad.up.sql"), "INSERT INTO missing");
    BOOST_TEST(contains(built.err, "0002_bad.up.sql:" + std::to_string(line) + ":"), built);
    BOOST_TEST(contains(built.err, "no such table: missing"), built);
    BOOST_TEST(error_line(built) == error_line(up));
}

BOOST_AUTO_TEST_CASE(a_foreign_key_violation_is_named_with_its_migration_as_upgrade_does) {
    Project p;
    write_migration(p.dir(), "0001_t", "aaaa0001", {},
                    "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
                    "CREATE TABLE child (parent_id INTEGER REFERENCES parent(id));\n",
                    "DROP TABLE child;\nDROP TABLE parent;\n");
    write_migration(p.dir(), "0002_orphan", "bbbb0002", {"aaaa0001"},
                    "INSERT INTO child VALUES (42);\n", "DELETE FROM child;\n");
    write_migration(p.dir(), "0003_later", "cccc0003", {"bbbb0002"},
                    "CREATE TABLE later (id INTEGER);\n", "DROP TABLE later;\n");
    const RunResult built = schema_of(p);
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST(built.exit_code != 0);
    BOOST_TEST(up.exit_code != 0);
    BOOST_TEST(contains(built.err, "0002_orphan.up.sql"), built);
    BOOST_TEST(contains(built.err, "foreign key check failed"), built);
    BOOST_TEST(error_line(built) == error_line(up));
}

BOOST_AUTO_TEST_CASE(a_file_that_ends_inside_a_comment_is_refused_as_upgrade_refuses_it) {
    Project p;
    write_migration(
        p.dir(), "0001_t", "aaaa0001", {},
        "CREATE TABLE t (id INTEGER);\n/* forgot to close\nCREATE TABLE u (id INTEGER);\n",
        "DROP TABLE t;\n");
    const RunResult built = schema_of(p);
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST(built.exit_code != 0);
    BOOST_TEST(up.exit_code != 0);
    BOOST_TEST(contains(built.err, "0001_t.up.sql"), built);
    BOOST_TEST(error_line(built) == error_line(up));
    BOOST_TEST(!contains(built.out, "CREATE TABLE t"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
