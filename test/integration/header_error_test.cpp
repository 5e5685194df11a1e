// Bad migration headers and bad revision graphs: each is a one-line error naming the problem, and
// the database is not touched.
#include <cstdio>
#include <functional>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// Sets up r1 <- r2, upgrades to head, lets `break_files` damage the migrations, then checks that
// every command fails with exactly "runner: error: " + expected (or, when `exact` is false, a
// single error line containing it) and leaves the database file byte-identical.
void check_header_error(const std::function<void(const Project&)>& break_files,
                        const std::function<std::string(const Project&)>& expected,
                        bool exact = true) {
    Project p;
    p.write_chain({"r1", "r2"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    const std::string before = file_bytes(p.db());
    break_files(p);
    const std::string message = expected(p);

    for (const std::vector<std::string>& args : {std::vector<std::string>{"upgrade", "head"},
                                                 {"downgrade", "base"},
                                                 {"current"},
                                                 {"history"},
                                                 {"stamp", "--purge", "base"}}) {
        BOOST_TEST_CONTEXT("runner " << args[0]) {
            const RunResult r = p.run(args);

            BOOST_TEST(r.exit_code == 1, r);
            if (exact) {
                BOOST_TEST(r.err == "runner: error: " + message + "\n");
            } else {
                BOOST_TEST(starts_with(r.err, "runner: error: "), r);
                BOOST_TEST(contains(r.err, message), r);
                BOOST_TEST(lines_of(r.err).size() == 1U, r);
            }
            BOOST_TEST(r.out == "");
            BOOST_TEST((file_bytes(p.db()) == before), "the database file changed");
        }
    }
}

void remove_file(const std::string& path) {
    BOOST_REQUIRE(std::remove(path.c_str()) == 0);
}

BOOST_AUTO_TEST_SUITE(header_errors)

BOOST_AUTO_TEST_CASE(down_file_with_a_different_down_revision_names_the_down_file_and_line) {
    check_header_error(
        [](const Project& p) {
            write_file(p.dir() + "/0002_r2.down.sql",
                       migration_header("0002_r2", "r2", {"r9"}) + "DROP TABLE t_r2;\n");
        },
        [](const Project& p) {
            return p.dir() + "/0002_r2.down.sql:2: down_revision 'r9' does not match 'r1' in " +
                   p.dir() + "/0002_r2.up.sql:2";
        });
}

BOOST_AUTO_TEST_CASE(down_file_with_a_different_revision_names_the_down_file_and_line) {
    check_header_error(
        [](const Project& p) {
            write_file(p.dir() + "/0002_r2.down.sql",
                       migration_header("0002_r2", "r2x", {"r1"}) + "DROP TABLE t_r2;\n");
        },
        [](const Project& p) {
            return p.dir() + "/0002_r2.down.sql:1: revision 'r2x' does not match 'r2' in " +
                   p.dir() + "/0002_r2.up.sql:1";
        });
}

BOOST_AUTO_TEST_CASE(missing_down_file_names_the_up_file_and_the_missing_one) {
    check_header_error([](const Project& p) { remove_file(p.dir() + "/0002_r2.down.sql"); },
                       [](const Project& p) {
                           return p.dir() +
                                  "/0002_r2.up.sql: has no matching 0002_r2.down.sql (every "
                                  "migration is an .up.sql/.down.sql pair)";
                       });
}

BOOST_AUTO_TEST_CASE(missing_up_file_names_the_down_file_and_the_missing_one) {
    check_header_error([](const Project& p) { remove_file(p.dir() + "/0002_r2.up.sql"); },
                       [](const Project& p) {
                           return p.dir() +
                                  "/0002_r2.down.sql: has no matching 0002_r2.up.sql (every "
                                  "migration is an .up.sql/.down.sql pair)";
                       });
}

BOOST_AUTO_TEST_CASE(misspelled_header_key_suggests_the_right_one) {
    check_header_error(
        [](const Project& p) {
            write_file(p.dir() + "/0002_r2.up.sql",
                       "-- revision: r2\n-- down_revison: r1\n-- message: m\n\nCREATE TABLE t_r2 "
                       "(x);\n");
        },
        [](const Project& p) {
            return p.dir() +
                   "/0002_r2.up.sql:2: unknown header key 'down_revison' (did you mean "
                   "'down_revision'?)";
        });
}

BOOST_AUTO_TEST_CASE(misspelled_key_in_a_down_file_is_reported_at_its_line) {
    check_header_error(
        [](const Project& p) {
            write_file(p.dir() + "/0001_r1.down.sql",
                       "-- revision: r1\n\n-- down_revision:\n-- mesage: m\n\nDROP TABLE t_r1;\n");
        },
        [](const Project& p) {
            return p.dir() +
                   "/0001_r1.down.sql:4: unknown header key 'mesage' (did you mean 'message'?)";
        });
}

BOOST_AUTO_TEST_CASE(header_key_given_twice_is_an_error) {
    check_header_error(
        [](const Project& p) {
            write_file(p.dir() + "/0002_r2.up.sql",
                       "-- revision: r2\n-- down_revision: r1\n-- revision: r2\n\nSELECT 1;\n");
        },
        [](const Project& p) {
            return p.dir() + "/0002_r2.up.sql:3: header key 'revision' appears twice (also line 1)";
        });
}

BOOST_AUTO_TEST_CASE(file_without_a_header_is_an_error) {
    check_header_error(
        [](const Project& p) {
            write_file(p.dir() + "/0002_r2.up.sql", "CREATE TABLE t_r2 (x);\n");
        },
        [](const Project& p) { return p.dir() + "/0002_r2.up.sql:1: missing header"; }, false);
}

BOOST_AUTO_TEST_CASE(revision_declared_by_two_files_names_both) {
    check_header_error(
        [](const Project& p) {
            write_migration(p.dir(), "0003_again", "r2", {"r1"}, "SELECT 1;\n", "SELECT 1;\n");
        },
        [](const Project& p) {
            return p.dir() + "/0003_again.up.sql:1: revision r2 is already declared by " + p.dir() +
                   "/0002_r2.up.sql:1";
        });
}

BOOST_AUTO_TEST_CASE(down_revision_that_no_file_declares_names_the_file_and_line) {
    check_header_error(
        [](const Project& p) {
            write_migration(p.dir(), "0003_r3", "r3", {"nosuch"}, "SELECT 1;\n", "SELECT 1;\n");
        },
        [](const Project& p) {
            return p.dir() +
                   "/0003_r3.up.sql:2: down_revision 'nosuch' of r3 is not declared by any "
                   "migration file";
        });
}

BOOST_AUTO_TEST_CASE(cycle_in_the_revision_graph_lists_its_revisions) {
    check_header_error(
        [](const Project& p) {
            write_migration(p.dir(), "0003_r3", "r3", {"r4"}, "SELECT 1;\n", "SELECT 1;\n");
            write_migration(p.dir(), "0004_r4", "r4", {"r3"}, "SELECT 1;\n", "SELECT 1;\n");
        },
        [](const Project& p) {
            return "Cycle is detected in revisions (r3, r4); see " + p.dir() +
                   "/0003_r3.up.sql:2, " + p.dir() + "/0004_r4.up.sql:2";
        });
}

BOOST_AUTO_TEST_CASE(revision_that_is_its_own_parent_is_an_error) {
    check_header_error(
        [](const Project& p) {
            write_migration(p.dir(), "0003_r3", "r3", {"r2", "r3"}, "SELECT 1;\n", "SELECT 1;\n");
        },
        [](const Project& p) {
            return p.dir() + "/0003_r3.up.sql:2: Self-loop is detected in revisions (r3)";
        });
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
