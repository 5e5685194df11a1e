// A CREATE INDEX CONCURRENTLY that fails (duplicate values for a UNIQUE index, a statement
// timeout) leaves PostgreSQL's INVALID index behind; runner drops it, so no invalid index stays
// and running the statement again (after fixing the data, with --resume, or by a retry) works
// instead of failing with "relation ... already exists".
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "db/postgres/pg_session.hpp"
#include "db/postgres/pg_touch.hpp"
#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::write_migration;

namespace {

const char* const kUp =
    "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);\n"
    "INSERT INTO users VALUES (1, 'a@x'), (2, 'a@x'), (3, 'c@x');\n"
    "CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);\n"
    "INSERT INTO users VALUES (4, 'd@x');\n";

std::string invalid_indexes(const PgProject& p) {
    return p.value(
        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE NOT i.indisvalid AND c.relname = 'users_email'");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_concurrent_index)

BOOST_AUTO_TEST_CASE(a_failed_unique_concurrent_index_leaves_no_invalid_index_and_resume_works) {
    PgProject p;
    write_migration(p.dir(), "0001_a1", "a1", {}, kUp, "DROP TABLE users;\n",
                    {"transactional: false"});
    auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "(SQLSTATE 23505)"), r);
    BOOST_TEST(invalid_indexes(p) == "0");
    BOOST_TEST(p.value("SELECT to_regclass('users_email') IS NULL") == "t");

    // The data fixed by hand; --resume runs the index build again and what follows.
    p.exec("UPDATE users SET email = 'b@x' WHERE id = 2");
    r = p.run({"upgrade", "head", "--resume"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                       "'users_email'::regclass") == "t");
    BOOST_TEST(p.value("SELECT count(*) FROM users") == "4");
    BOOST_TEST(p.applied() == std::vector<std::string>{"a1"});
}

BOOST_AUTO_TEST_CASE(an_invalid_index_left_by_an_earlier_build_is_rebuilt_not_kept) {
    PgProject p;
    // What a runner killed during the build (or a build by hand that failed) leaves behind.
    p.exec("CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL)");
    p.exec("INSERT INTO users VALUES (1, 'a@x'), (2, 'a@x')");
    BOOST_CHECK_THROW(p.exec("CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email)"),
                      std::exception);
    BOOST_TEST(invalid_indexes(p) == "1");
    p.exec("UPDATE users SET email = 'b@x' WHERE id = 2");
    write_migration(p.dir(), "0001_a1", "a1", {},
                    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users "
                    "(email);\n",
                    "DROP INDEX users_email;\n", {"transactional: false"});
    const auto r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(invalid_indexes(p) == "0");
    BOOST_TEST(p.value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                       "'users_email'::regclass") == "t");
}

BOOST_AUTO_TEST_CASE(a_concurrent_index_build_that_timed_out_is_retried_and_succeeds) {
    PgProject p;
    p.exec("CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL)");
    p.exec("INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x')");
    write_migration(p.dir(), "0001_a1", "a1", {},
                    "CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);\n",
                    "DROP INDEX users_email;\n", {"transactional: false", "lock_timeout: 300ms"});
    // Another session's open transaction that wrote to the table: the build creates its
    // (invalid) index, then waits for that transaction and gives up after lock_timeout.
    PgSession writer(p.url(), "writer");
    writer.exec("BEGIN; INSERT INTO users VALUES (3, 'c@x')", "writing");
    // The writer commits once the build has been seen waiting for it and then had more than its
    // lock_timeout to give up (a fixed delay raced with a runner slow to start on a busy machine).
    auto done = std::async(std::launch::async, [&writer, &p] {
        PgSession watcher(p.url(), "watcher");
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < give_up &&
               watcher.scalar("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE query LIKE "
                              "'CREATE UNIQUE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'",
                              {}, "watching") != std::optional<std::string>("1")) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));
        writer.exec("COMMIT", "committing");
    });
    const auto r = p.run({"--retries", "10", "upgrade", "head"});
    done.wait();
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "(SQLSTATE 55P03); trying the statement again"), r);
    BOOST_TEST(invalid_indexes(p) == "0");
    BOOST_TEST(p.value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                       "'users_email'::regclass") == "t");
    BOOST_TEST(p.applied() == std::vector<std::string>{"a1"});
}

BOOST_AUTO_TEST_CASE(the_index_a_concurrent_build_names_is_read_from_its_text) {
    auto i = runner::pg_concurrent_index(
        "/* c */ create unique index concurrently if not exists Users_Email on only "
        "\"My Schema\".\"Users\" using btree (email);");
    BOOST_REQUIRE(i.has_value());
    BOOST_TEST(i->name == "users_email");
    BOOST_TEST(i->table_schema == "My Schema");
    BOOST_TEST(i->table == "Users");
    i = runner::pg_concurrent_index("CREATE INDEX CONCURRENTLY \"Odd\"\"Name\" ON t (x)");
    BOOST_REQUIRE(i.has_value());
    BOOST_TEST(i->name == "Odd\"Name");
    BOOST_TEST(i->table_schema.empty());
    BOOST_TEST(i->table == "t");
    BOOST_TEST(!runner::pg_concurrent_index("CREATE INDEX CONCURRENTLY ON t (x)").has_value());
    BOOST_TEST(!runner::pg_concurrent_index("CREATE INDEX i ON t (x)").has_value());
    BOOST_TEST(!runner::pg_concurrent_index("REINDEX INDEX CONCURRENTLY i").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
