// `runner lint` on a foreign key whose referenced table exists but whose referenced column does
// not: SQLite accepts the CREATE and only fails the foreign-key check after the migration ("foreign
// key mismatch"), yet lint names the statement that declares the key, as for a missing table.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

RunResult lint(const Project& p, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--dir", p.dir(), "lint"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_runner(args, p.root());
}

// parent (id, code) and log (msg); then 0002_bad on it, its up's SQL from line 5 on (later with
// header lines).
void write_bad(const Project& p, const std::string& up, const std::string& down,
               const std::vector<std::string>& headers = {}) {
    write_migration(p.dir(), "0001_root", "root0001", {},
                    "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);\n"
                    "CREATE TABLE log (msg TEXT);\n",
                    "DROP TABLE log;\nDROP TABLE parent;\n");
    write_migration(p.dir(), "0002_bad", "bad20002", {"root0001"}, up, down, headers);
}

std::string up_file(const Project& p) {
    return p.dir() + "/0002_bad.up.sql";
}

const std::string kCreateChild =
    "CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent (nope));\n"
    "CREATE INDEX child_p ON child (p);\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(lint_fk_column)

BOOST_AUTO_TEST_CASE(a_foreign_key_to_a_missing_column_is_reported_at_its_statement) {
    Project p;
    write_bad(p, "CREATE TABLE other (x);\n" + kCreateChild,
              "DROP TABLE child;\nDROP TABLE other;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":6: error fk-missing-target: the foreign key child (p) -> "
                                     "parent (nope) has no target: column 'parent.nope' does not "
                                     "exist\n"),
        r);
    BOOST_TEST(!contains(r.out, "migration-fails"), r);
    BOOST_TEST(contains(r.out, "1 error, 0 warnings"), r);
}

BOOST_AUTO_TEST_CASE(a_column_added_with_a_foreign_key_to_a_missing_column_is_reported) {
    Project p;
    write_bad(p,
              "ALTER TABLE log ADD COLUMN code TEXT REFERENCES parent (nope);\n"
              "CREATE INDEX log_code ON log (code);\n",
              "DROP INDEX log_code;\nALTER TABLE log DROP COLUMN code;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(
        contains(r.out, up_file(p) + ":5: error fk-missing-target: the foreign key log (code) -> "
                                     "parent (nope) has no target: column 'parent.nope' does not "
                                     "exist\n"),
        r);
    BOOST_TEST(!contains(r.out, "migration-fails"), r);
}

BOOST_AUTO_TEST_CASE(a_foreign_key_to_a_missing_column_is_silenced_by_a_comment_or_the_header) {
    Project p;
    write_bad(p, "-- lint_ignore: fk-missing-target\n" + kCreateChild, "DROP TABLE child;\n");

    const RunResult comment = lint(p, {"--verbose"});

    BOOST_TEST(comment.exit_code == 0, comment);
    BOOST_TEST(contains(comment.out, up_file(p) + ":6: silenced error fk-missing-target"), comment);
    BOOST_TEST(!contains(comment.out, "migration-fails"), comment);

    write_bad(p, kCreateChild, "DROP TABLE child;\n", {"lint_ignore: fk-missing-target"});
    const RunResult header = lint(p, {"--verbose"});

    BOOST_TEST(header.exit_code == 0, header);
    BOOST_TEST(contains(header.out, up_file(p) + ":6: silenced error fk-missing-target"), header);
    BOOST_TEST(!contains(header.out, "migration-fails"), header);
}

BOOST_AUTO_TEST_CASE(a_foreign_key_mismatch_with_existing_columns_still_fails_the_migration) {
    // parent.id and parent.code exist but (id, code) is no key of parent: not a missing target.
    Project p;
    write_bad(p,
              "CREATE TABLE child (id INTEGER PRIMARY KEY, a INTEGER, b TEXT,\n"
              "    FOREIGN KEY (a, b) REFERENCES parent (id, code));\n"
              "CREATE INDEX child_ab ON child (a, b);\n",
              "DROP TABLE child;\n");

    const RunResult r = lint(p);

    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(contains(r.out, "error migration-fails: up failed: "), r);
    BOOST_TEST(contains(r.out, "foreign key mismatch"), r);
    BOOST_TEST(!contains(r.out, "fk-missing-target"), r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::integration
