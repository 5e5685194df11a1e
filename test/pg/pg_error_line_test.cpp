// Errors the server reports without a position (a unique index that cannot be built on
// duplicates, a constraint violated by a later statement) still name file:line: the first line
// of the failing statement, with that statement's excerpt under the error line.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::lines_of;
using integration::RunResult;
using integration::starts_with;
using integration::write_migration;

namespace {

// The line after the one `runner: error:` line: the excerpt.
std::string excerpt_after_error(const RunResult& r) {
    const auto lines = lines_of(r.err);
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        if (starts_with(lines[i], "runner: error: ")) {
            return lines[i + 1];
        }
    }
    return "(no excerpt)";
}

// `body` as migration b2 after a1 (applied), with the extra header lines; runs upgrade head.
RunResult fail_in_b2(const PgProject& p, const std::string& body,
                     const std::vector<std::string>& extra = {}) {
    write_migration(p.dir(), "0001_a1", "a1", {},
                    "CREATE TABLE t (x integer PRIMARY KEY, y integer);\n"
                    "INSERT INTO t VALUES (1, 7), (2, 7);\n",
                    "DROP TABLE t;\n");
    BOOST_TEST_REQUIRE(p.run({"upgrade", "a1"}).exit_code == 0);
    write_migration(p.dir(), "0002_b2", "b2", {"a1"}, body, "SELECT 1;\n", extra);
    return p.run({"upgrade", "head"});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_error_line)

BOOST_AUTO_TEST_CASE(a_unique_index_that_cannot_be_built_names_the_first_line_of_its_statement) {
    PgProject p;
    // Lines 5..9 of the file; the index statement starts on line 6.
    const auto r = fail_in_b2(p,
                              "ALTER TABLE t ADD COLUMN z integer;\n"
                              "CREATE UNIQUE INDEX t_y\n"
                              "    ON t (y);\n"
                              "UPDATE t SET z = 1;\n");
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "runner: error: "), r);
    BOOST_TEST(contains(r.err,
                        "sql/0002_b2.up.sql:6: could not create unique index \"t_y\" "
                        "(SQLSTATE 23505); DETAIL: Key (y)=(7) is duplicated."),
               r);
    BOOST_TEST(excerpt_after_error(r) == "    CREATE UNIQUE INDEX t_y", r);
    BOOST_TEST(p.value("SELECT to_regclass('t_y') IS NULL") == "t");
}

BOOST_AUTO_TEST_CASE(a_concurrent_unique_index_that_cannot_be_built_names_its_statement) {
    PgProject p;
    // transactional: false adds a header line: the body starts on line 6, the index on line 7.
    const auto r = fail_in_b2(p,
                              "SELECT 1;\n"
                              "CREATE UNIQUE INDEX CONCURRENTLY t_y\n"
                              "    ON t (y);\n",
                              {"transactional: false"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "sql/0002_b2.up.sql:7: could not create unique index \"t_y\" "
                        "(SQLSTATE 23505)"),
               r);
    BOOST_TEST(excerpt_after_error(r) == "    CREATE UNIQUE INDEX CONCURRENTLY t_y", r);
}

BOOST_AUTO_TEST_CASE(a_constraint_violated_by_a_later_statement_names_that_statement) {
    PgProject p;
    const auto r = fail_in_b2(p,
                              "INSERT INTO t VALUES (3, 8);\n"
                              "UPDATE t SET y = 9 WHERE x = 3;\n"
                              "INSERT INTO t\n"
                              "    VALUES (1, 0);\n");
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err,
                        "sql/0002_b2.up.sql:7: duplicate key value violates unique "
                        "constraint \"t_pkey\" (SQLSTATE 23505); DETAIL: Key (x)=(1) "
                        "already exists."),
               r);
    BOOST_TEST(excerpt_after_error(r) == "    INSERT INTO t", r);
    BOOST_TEST(p.value("SELECT count(*) FROM t") == "2", "the migration was rolled back");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
