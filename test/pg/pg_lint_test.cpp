// runner lint on a PostgreSQL project: the files are read in PostgreSQL's dialect, so the END of
// a plpgsql IF inside a $$-quoted function body is text, not transaction control, while a real
// COMMIT in a transactional migration is still an error.
#include <boost/test/unit_test.hpp>
#include <string>

#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::write_migration;

BOOST_AUTO_TEST_SUITE(pg_lint)

BOOST_AUTO_TEST_CASE(a_function_body_in_dollar_quotes_is_not_read_as_transaction_control) {
    PgProject p;
    write_migration(p.dir(), "0001_a1", "a1", {},
                    "CREATE TABLE posts (id integer PRIMARY KEY, updated_at timestamptz);\n"
                    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $touch$\n"
                    "BEGIN\n"
                    "    IF NEW.updated_at IS NULL THEN\n"
                    "        NEW.updated_at := now();\n"
                    "    END IF;\n"
                    "    RETURN NEW;\n"
                    "END\n"
                    "$touch$;\n"
                    "CREATE FUNCTION noop() RETURNS void LANGUAGE plpgsql AS $$ BEGIN END $$;\n",
                    "DROP FUNCTION noop();\nDROP FUNCTION touch();\nDROP TABLE posts;\n");
    auto r = p.run({"lint"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(!contains(r.out, "transaction-control"), r);

    write_migration(p.dir(), "0002_b2", "b2", {"a1"},
                    "INSERT INTO posts VALUES (1, NULL);\nCOMMIT;\n", "DELETE FROM posts;\n");
    r = p.run({"lint"});
    BOOST_TEST(r.exit_code == 9, r);
    BOOST_TEST(contains(r.out, "0002_b2.up.sql:"), r);
    BOOST_TEST(contains(r.out, "error transaction-control: COMMIT"), r);
    BOOST_TEST(contains(r.out, "1 error"), r);
}

BOOST_AUTO_TEST_CASE(the_postgres_example_is_clean) {
    PgProject p;
    const std::string example = std::string(RUNNER_SOURCE_DIR) + "/examples/postgres/sql";
    for (const auto& name : integration::list_dir(example)) {
        integration::write_file(p.dir() + "/" + name,
                                integration::file_bytes(example + "/" + name));
    }
    const auto r = p.run({"lint"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "0 errors, 0 warnings"), r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
