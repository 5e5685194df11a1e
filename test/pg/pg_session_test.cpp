// The PostgreSQL session: connecting from every form of database name a user may give, and
// errors a user can act on (one line, SQLSTATE, DETAIL, HINT, file:line, never the password).
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "db/connection.hpp"
#include "db/open.hpp"
#include "db/postgres/pg_session.hpp"
#include "db/postgres/pg_url.hpp"
#include "pg_cluster.hpp"

namespace runner::pgtest {

namespace {

// The current database's name, as the server says.
std::string connected_to(const std::string& url) {
    PgSession session(url, "shown");
    return session.scalar("SELECT current_database()", {}, "asking").value_or("");
}

// The message of the DatabaseError connecting to `url` throws ("" when it connects).
std::string connect_error(const std::string& url) {
    try {
        PgSession session(url, mask_secrets(url));
    } catch (const DatabaseError& e) {
        return e.what();
    }
    return "";
}

// Sets environment variables for one scope, restoring them afterwards.
class ScopedEnv {
  public:
    void set(const std::string& name, const std::string& value) {
        const char* old = std::getenv(name.c_str());
        saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->second) {
                ::setenv(it->first.c_str(), it->second->c_str(), 1);
            } else {
                ::unsetenv(it->first.c_str());
            }
        }
    }

  private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

PgStatement only_statement(const std::string& script) {
    auto statements = split_pg_statements(script, "m.sql");
    BOOST_REQUIRE_EQUAL(statements.size(), 1u);
    return statements.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_session)

BOOST_AUTO_TEST_CASE(every_url_form_names_a_postgres_database) {
    for (const char* url : {"postgresql://u@h/d", "postgres://h/d", "postgresql+psycopg2://u:p@h/d",
                            "postgresql+asyncpg://h/d", "POSTGRESQL://h/d", "host=/tmp dbname=app",
                            "  dbname=app user=alice"}) {
        BOOST_TEST(is_postgres_url(url), url);
    }
    for (const char* url : {"app.db", "sqlite:///app.db", "file:app.db", "mysql://h/d", "host.db",
                            "postgresqlx://h/d"}) {
        BOOST_TEST(!is_postgres_url(url), url);
    }
    BOOST_TEST(libpq_conninfo("postgresql+asyncpg://u@h:5/d?x=1") == "postgresql://u@h:5/d?x=1");
    BOOST_TEST(libpq_conninfo("postgres+psycopg2://h/d") == "postgres://h/d");
    BOOST_TEST(libpq_conninfo("host=h dbname=d") == "host=h dbname=d");
}

BOOST_AUTO_TEST_CASE(connects_from_urls_with_and_without_a_driver_part) {
    const auto db = fresh_database();
    const auto& c = cluster();
    const std::string query = "?host=" + c.host + "&port=" + c.port + "&user=" + c.user;
    for (const char* scheme : {"postgresql", "postgres", "postgresql+psycopg2",
                               "postgresql+asyncpg", "postgres+psycopg"}) {
        BOOST_TEST(connected_to(std::string(scheme) + ":///" + db + query) == db, scheme);
    }
}

BOOST_AUTO_TEST_CASE(connects_from_a_libpq_keyword_string) {
    const auto db = fresh_database();
    const auto& c = cluster();
    BOOST_TEST(connected_to("host=" + c.host + " port=" + c.port + " user=" + c.user + " dbname='" +
                            db + "'") == db);
}

BOOST_AUTO_TEST_CASE(connects_from_pg_environment_variables_alone) {
    const auto db = fresh_database();
    const auto& c = cluster();
    ScopedEnv env;
    env.set("PGHOST", c.host);
    env.set("PGPORT", c.port);
    env.set("PGUSER", c.user);
    env.set("PGDATABASE", db);
    BOOST_TEST(connected_to("postgresql://") == db);
    BOOST_TEST(connected_to("postgresql+psycopg2://") == db);
}

BOOST_AUTO_TEST_CASE(takes_the_password_from_a_pgpass_file) {
    const auto db = fresh_database();
    add_password_role("pgpass_user", "from-pgpass");
    const auto& c = cluster();
    const std::string url =
        "postgresql://pgpass_user@/" + db + "?host=" + c.host + "&port=" + c.port;
    BOOST_TEST(connect_error(url).find("password") != std::string::npos);
    char path[] = "/tmp/runner-pgpass.XXXXXX";
    const int fd = ::mkstemp(path);
    BOOST_REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(path) << "*:*:*:pgpass_user:from-pgpass\n";
    ::chmod(path, 0600);
    {
        ScopedEnv env;
        env.set("PGPASSFILE", path);
        BOOST_TEST(connected_to(url) == db);
    }
    ::unlink(path);
}

BOOST_AUTO_TEST_CASE(a_wrong_password_is_one_line_that_never_shows_it) {
    const auto db = fresh_database();
    add_password_role("pw_user", "right-one");
    const auto& c = cluster();
    const std::string good =
        "postgresql://pw_user:right-one@/" + db + "?host=" + c.host + "&port=" + c.port;
    BOOST_TEST(connected_to(good) == db);
    const std::string url =
        "postgresql://pw_user:Wr0ng%40Secret@/" + db + "?host=" + c.host + "&port=" + c.port;
    const auto message = connect_error(url);
    BOOST_TEST(message.find("password authentication failed") != std::string::npos, message);
    BOOST_TEST(message.find("cannot connect to postgresql://pw_user:***@/") == 0, message);
    BOOST_TEST(message.find("Wr0ng") == std::string::npos, message);
    BOOST_TEST(message.find("Secret") == std::string::npos, message);
    BOOST_TEST(message.find('\n') == std::string::npos, message);
    const auto keywords = connect_error("host=" + c.host + " port=" + c.port +
                                        " user=pw_user password=kw-Secret dbname=" + db);
    BOOST_TEST(keywords.find("password authentication failed") != std::string::npos, keywords);
    BOOST_TEST(keywords.find("kw-Secret") == std::string::npos, keywords);
}

BOOST_AUTO_TEST_CASE(a_malformed_url_is_reported_without_its_password) {
    const auto message = connect_error("postgresql://u:%zzTopSecret@localhost:notaport/d");
    BOOST_TEST(!message.empty());
    BOOST_TEST(message.find("TopSecret") == std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(a_missing_database_and_an_unreachable_host_are_one_line_each) {
    const auto missing = connect_error(url_of("no_such_database"));
    BOOST_TEST(missing.find("database \"no_such_database\" does not exist") != std::string::npos,
               missing);
    BOOST_TEST(missing.find('\n') == std::string::npos, missing);
    const auto refused = connect_error("postgresql://u:TopSecret@127.0.0.1:1/d");
    BOOST_TEST(refused.find("cannot connect to postgresql://u:***@127.0.0.1:1/d: ") == 0, refused);
    BOOST_TEST(refused.find("Connection refused") != std::string::npos, refused);
    BOOST_TEST(refused.find('\n') == std::string::npos, refused);
    BOOST_TEST(refused.find("TopSecret") == std::string::npos, refused);
}

BOOST_AUTO_TEST_CASE(a_server_error_names_sqlstate_detail_and_hint) {
    const auto db = fresh_database();
    PgSession session(url_of(db), db);
    session.exec("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)", "setup");
    try {
        session.execute("INSERT INTO t VALUES ($1)", {std::string("1")}, "inserting");
        BOOST_FAIL("a duplicate key was accepted");
    } catch (const DatabaseError& e) {
        BOOST_TEST(e.code() == "23505");
        BOOST_TEST(std::string(e.what()) ==
                   db + ": inserting: duplicate key value violates unique constraint "
                        "\"t_pkey\" (SQLSTATE 23505); DETAIL: Key (id)=(1) already exists.");
    }
    try {
        session.exec("SELECT lengthh('x')", "asking");
        BOOST_FAIL("an unknown function ran");
    } catch (const DatabaseError& e) {
        BOOST_TEST(e.code() == "42883");
        BOOST_TEST(std::string(e.what()).find("; HINT: No function matches") != std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(a_failing_statement_names_the_line_of_its_error_position) {
    const auto db = fresh_database();
    PgSession session(url_of(db), db);
    auto statement = only_statement("\n\n  CREATE TABLE t (\n    id int,\n    ok intt\n  );");
    try {
        session.run_statement(statement, "sql/0001_t.up.sql", 1);
        BOOST_FAIL("a bad type was accepted");
    } catch (const StatementError& e) {
        BOOST_TEST(e.line() == 5);
        BOOST_TEST(std::string(e.what()) ==
                   "sql/0001_t.up.sql:5: type \"intt\" does not exist (SQLSTATE 42704)");
        // main() prints the excerpt indented by four spaces; its caret line carries them.
        BOOST_TEST(e.excerpt() == "    ok intt\n    " + std::string(7, ' ') + "^");
    }
}

BOOST_AUTO_TEST_CASE(the_caret_counts_characters_not_bytes) {
    const auto db = fresh_database();
    PgSession session(url_of(db), db);
    auto statement = only_statement("SELECT 'ÅÄÖ', 'é' + nosuchcolumn;");
    try {
        session.run_statement(statement, "m.sql", 1);
        BOOST_FAIL("an unknown column was accepted");
    } catch (const StatementError& e) {
        BOOST_TEST(e.line() == 1);
        BOOST_TEST(e.excerpt() ==
                   "SELECT 'ÅÄÖ', 'é' + nosuchcolumn;\n    " + std::string(20, ' ') + "^");
    }
}

BOOST_AUTO_TEST_CASE(copy_from_stdin_is_refused_before_anything_runs) {
    const auto db = fresh_database();
    PgSession session(url_of(db), db);
    session.exec("CREATE TABLE t (a int)", "setup");
    auto statements = split_pg_statements("COPY t FROM stdin;\n1\n\\.\n", "m.sql");
    BOOST_REQUIRE(!statements.empty());
    BOOST_CHECK_THROW(session.run_statement(statements.front(), "m.sql", 1), RefusedStatementError);
    BOOST_TEST(session.scalar("SELECT count(*) FROM t", {}, "count").value() == "0");
    // The session is still usable.
    session.exec("INSERT INTO t VALUES (2)", "insert");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
