// The PostgreSQL Connection and the backend-neutral Bookkeeping on it, on a real server:
// transactions, scripts (transactional, and statement by statement with progress records),
// the advisory lock taken by polling, session settings, and the dialect's bookkeeping tables.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "db/bookkeeping.hpp"
#include "db/connection.hpp"
#include "db/postgres/open_postgres.hpp"
#include "db/postgres/pg_session.hpp"
#include "pg_cluster.hpp"

namespace runner::pgtest {

namespace {

std::unique_ptr<Connection> open(const std::string& db, OpenMode mode = OpenMode::kReadWrite,
                                 int lock_timeout_ms = 10'000) {
    OpenOptions options;
    options.lock_timeout_ms = lock_timeout_ms;
    return open_postgres(url_of(db), db, mode, options);
}

std::string one_value(const std::string& db, const std::string& sql) {
    PgSession session(url_of(db), db);
    return session.scalar(sql, {}, "test query").value_or("NULL");
}

int run(Connection& c, const std::string& script, const std::string& origin, ScriptRun run = {}) {
    StringSource source(script);
    return c.run_script(source, origin, run);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_connection)

BOOST_AUTO_TEST_CASE(bookkeeping_round_trips_through_timestamptz_columns) {
    const auto db = fresh_database();
    auto c = open(db);
    Bookkeeping book(*c, "runner_version");
    BOOST_TEST(!book.exists());
    BOOST_TEST(book.applied().empty());
    {
        Transaction<Connection> txn(*c);
        book.ensure_tables();
        book.insert_applied({"r1", "2026-11-27 08:00:01", 12, "sha256:aa", "upgrade"});
        book.insert_applied({"r0", "2026-11-27 08:00:01", 3, "", "stamp"});
        book.append_log(
            {"2026-11-27 08:00:01", "r1", "upgrade", 12, "sha256:aa", "alice", "host1", ""});
        txn.commit();
    }
    BOOST_TEST(book.exists());
    BOOST_TEST(one_value(db,
                         "SELECT data_type FROM information_schema.columns WHERE table_name "
                         "= 'runner_version' AND column_name = 'applied_at'") ==
               "timestamp with time zone");
    const auto applied = book.applied();
    BOOST_REQUIRE_EQUAL(applied.size(), 2u);
    BOOST_TEST(applied[0].revision == "r1");  // same second: insertion order
    BOOST_TEST(applied[0].applied_at == "2026-11-27 08:00:01");
    BOOST_TEST(applied[0].checksum == "sha256:aa");
    BOOST_TEST(applied[1].revision == "r0");
    BOOST_TEST(applied[1].how == "stamp");
    BOOST_TEST(book.is_applied("r1"));
    BOOST_TEST(!book.is_applied("r9"));
    {
        Transaction<Connection> txn(*c);
        book.correct_duration({"2026-11-27 08:00:01", "r1", "upgrade", 12, "", "", "", ""}, 40);
        book.update_checksum("r1", "sha256:bb");
        book.delete_applied("r0");
        txn.commit();
    }
    const auto after = book.applied();
    BOOST_REQUIRE_EQUAL(after.size(), 1u);
    BOOST_TEST(after[0].duration_ms == 40);
    BOOST_TEST(after[0].checksum == "sha256:bb");
    const auto log = book.log();
    BOOST_REQUIRE_EQUAL(log.size(), 1u);
    BOOST_TEST(log[0].user == "alice");
    BOOST_TEST(log[0].duration_ms == 40);
    BOOST_TEST(log[0].at == "2026-11-27 08:00:01");
}

BOOST_AUTO_TEST_CASE(partial_records_are_upserted_and_cleared) {
    const auto db = fresh_database();
    auto c = open(db);
    Bookkeeping book(*c, "runner_version");
    {
        Transaction<Connection> txn(*c);
        book.ensure_tables();
        book.set_partial({"r1", "upgrade", 2, 5, "interrupted", "2026-11-27 08:00:00", "d1"});
        book.set_partial({"r1", "upgrade", 3, 9, "boom", "2026-11-27 08:00:02", "d2"});
        txn.commit();
    }
    auto partials = book.partials();
    BOOST_REQUIRE_EQUAL(partials.size(), 1u);
    BOOST_TEST(partials[0].statement == 3);
    BOOST_TEST(partials[0].line == 9);
    BOOST_TEST(partials[0].error == "boom");
    BOOST_TEST(partials[0].at == "2026-11-27 08:00:02");
    BOOST_TEST(partials[0].digest == "d2");
    {
        Transaction<Connection> txn(*c);
        book.clear_partial("r1");
        txn.commit();
    }
    BOOST_TEST(book.partials().empty());
}

BOOST_AUTO_TEST_CASE(a_failed_transactional_script_leaves_nothing) {
    const auto db = fresh_database();
    auto c = open(db);
    try {
        Transaction<Connection> txn(*c);
        run(*c,
            "CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\n\nINSERT INTO a VALUES ('x');\n",
            "sql/0001_a.up.sql");
        txn.commit();
        BOOST_FAIL("a bad insert was accepted");
    } catch (const StatementError& e) {
        BOOST_TEST(e.line() == 4);
        BOOST_TEST(e.statement() == 3);
        BOOST_TEST(std::string(e.what()).find("sql/0001_a.up.sql:4: invalid input syntax for type "
                                              "integer: \"x\" (SQLSTATE 22P02)") == 0,
                   e.what());
    }
    BOOST_TEST(one_value(db, "SELECT to_regclass('a') IS NULL") == "t");
}

BOOST_AUTO_TEST_CASE(transaction_control_in_a_transactional_script_is_refused) {
    const auto db = fresh_database();
    auto c = open(db);
    Transaction<Connection> txn(*c);
    BOOST_CHECK_THROW(run(*c, "CREATE TABLE a (x int);\nCOMMIT;\n", "m.sql"),
                      RefusedStatementError);
}

BOOST_AUTO_TEST_CASE(a_failed_commit_is_an_error_not_a_silent_rollback) {
    const auto db = fresh_database();
    auto c = open(db);
    c->begin();
    c->execute("CREATE TABLE a (x int)", {}, "creating");
    BOOST_CHECK_THROW(c->execute("SELECT 1/0", {}, "dividing"), DatabaseError);
    BOOST_CHECK_THROW(c->commit(), DatabaseError);
    BOOST_TEST(one_value(db, "SELECT to_regclass('a') IS NULL") == "t");
}

BOOST_AUTO_TEST_CASE(a_non_transactional_script_records_progress_and_resumes) {
    const auto db = fresh_database();
    auto c = open(db);
    Bookkeeping book(*c, "runner_version");
    {
        Transaction<Connection> txn(*c);
        book.ensure_tables();
        txn.commit();
    }
    std::vector<ScriptProgress> recorded;
    NonTransactionalRun nt;
    nt.record = [&](const ScriptProgress& p) {
        recorded.push_back(p);
        book.set_partial({"r1", "upgrade", p.next_statement, p.line, "interrupted",
                          "2026-11-27 08:00:00", p.digest});
    };
    const std::string script =
        "CREATE TABLE a (x int);\n"
        "INSERT INTO a VALUES (1);\n"
        "CREATE INDEX CONCURRENTLY a_x ON a (x);\n"
        "INSERT INTO a VALUES (1/0);\n"
        "INSERT INTO a VALUES (4);\n";
    try {
        run(*c, script, "m.sql", ScriptRun{0, &nt, nullptr});
        BOOST_FAIL("division by zero was accepted");
    } catch (const StatementError& e) {
        BOOST_TEST(e.statement() == 4);
        BOOST_TEST(e.line() == 4);
    }
    BOOST_TEST(nt.stopped.next_statement == 4);
    BOOST_TEST(nt.stopped.line == 4);
    BOOST_REQUIRE(!recorded.empty());
    BOOST_TEST(recorded.back().next_statement == 4);
    // Statements 1-3 stay applied, the index built outside any transaction and valid.
    BOOST_TEST(one_value(db, "SELECT count(*) FROM a") == "1");
    BOOST_TEST(
        one_value(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'a_x'::regclass") == "t");
    BOOST_TEST(book.partials().at(0).statement == 4);
    // Resuming at statement 4 with the fixed file: the digest of 1-3 matches.
    NonTransactionalRun resume;
    resume.expected_digest = nt.stopped.digest;
    resume.record = nt.record;
    const auto fixed = script.substr(0, script.find("INSERT INTO a VALUES (1/0)")) +
                       "INSERT INTO a VALUES (3);\nINSERT INTO a VALUES (4);\n";
    BOOST_TEST(run(*c, fixed, "m.sql", ScriptRun{3, &resume, nullptr}) == 5);
    BOOST_TEST(one_value(db, "SELECT string_agg(x::text, ',' ORDER BY x) FROM a") == "1,3,4");
    // A file edited before the resume point is refused before anything runs.
    NonTransactionalRun edited;
    edited.expected_digest = nt.stopped.digest;
    edited.record = nt.record;
    BOOST_CHECK_THROW(
        run(*c, "CREATE TABLE b (x int);\n" + fixed, "m.sql", ScriptRun{3, &edited, nullptr}),
        Error);
    BOOST_TEST(one_value(db, "SELECT to_regclass('b') IS NULL") == "t");
}

BOOST_AUTO_TEST_CASE(a_script_transaction_that_fails_rolls_back_to_where_it_began) {
    const auto db = fresh_database();
    auto c = open(db);
    NonTransactionalRun nt;
    nt.record = [](const ScriptProgress&) {};
    try {
        run(*c,
            "CREATE TABLE a (x int);\nBEGIN;\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES "
            "('no');\nCOMMIT;\n",
            "m.sql", ScriptRun{0, &nt, nullptr});
        BOOST_FAIL("a bad insert was accepted");
    } catch (const StatementError& e) {
        BOOST_TEST(e.statement() == 4);
    }
    BOOST_TEST(nt.stopped.next_statement == 2);
    BOOST_TEST(one_value(db, "SELECT count(*) FROM a") == "0");
}

BOOST_AUTO_TEST_CASE(copy_from_stdin_in_a_script_is_refused) {
    const auto db = fresh_database();
    auto c = open(db);
    Transaction<Connection> txn(*c);
    BOOST_CHECK_THROW(run(*c, "CREATE TABLE a (x int);\nCOPY a FROM stdin;\n1\n\\.\n", "m.sql"),
                      RefusedStatementError);
}

BOOST_AUTO_TEST_CASE(a_second_writer_polls_for_the_lock_and_times_out) {
    const auto db = fresh_database();
    auto first = open(db);
    const auto start = std::chrono::steady_clock::now();
    try {
        auto second = open(db, OpenMode::kReadWrite, 400);
        BOOST_FAIL("two writers held the lock");
    } catch (const LockTimeoutError& e) {
        BOOST_TEST(e.exit_code() == kExitLockTimeout);
        BOOST_TEST(std::string(e.what()).find("timed out after 400 ms") != std::string::npos,
                   e.what());
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    BOOST_TEST(waited >= 400);
    // Nobody ever waited inside pg_advisory_lock: the lock is only ever tried.
    BOOST_TEST(one_value(db,
                         "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                         "NOT granted") == "0");
    // A reader does not take it, but waits for the writer.
    auto reader = open(db, OpenMode::kReadOnly, 300);
    BOOST_CHECK_THROW(reader->wait_for_writers(), LockTimeoutError);
    first.reset();
    reader->wait_for_writers();
    auto second = open(db, OpenMode::kReadWrite, 400);
}

BOOST_AUTO_TEST_CASE(reset_session_undoes_what_a_migration_set) {
    const auto db = fresh_database();
    auto c = open(db);
    run(*c, "SET search_path = pg_catalog; SET TimeZone = 'Asia/Tokyo';", "m.sql");
    c->reset_session();
    const auto rows = c->query("SELECT current_setting('search_path'), current_setting('TimeZone')",
                               {}, "asking");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_TEST(*rows[0][0] == "\"$user\", public");
    BOOST_TEST(*rows[0][1] == "UTC");
}

BOOST_AUTO_TEST_CASE(the_dialect_writes_psql_scripts) {
    const auto db = fresh_database();
    auto c = open(db);
    const auto& d = c->dialect();
    BOOST_TEST(d.offline_preamble().find("\\set ON_ERROR_STOP on\n") != std::string::npos);
    BOOST_TEST(d.offline_begin() == "BEGIN;\n");
    BOOST_TEST(d.offline_commit() == "COMMIT;\n");
    BOOST_TEST(d.identifier("user") == "\"user\"");
    BOOST_TEST(d.identifier("revision") == "revision");
    BOOST_TEST(d.identifier("Mixed") == "\"Mixed\"");
    BOOST_TEST(d.quote_literal("it's") == "'it''s'");
    // The offline bookkeeping DDL and statements run on the server as written.
    Bookkeeping book(*c, "runner_version");
    PgSession session(url_of(db), db);
    session.exec(book.schema_sql(), "offline DDL");
    session.exec(book.record_applied_sql({"r1", "", 0, "sha256:x", "upgrade"},
                                         {"", "r1", "upgrade", 0, "sha256:x", "u", "h", ""}),
                 "offline insert");
    BOOST_TEST(book.applied().at(0).revision == "r1");
    session.exec(book.remove_applied_sql("r1", {"", "r1", "downgrade", 0, "", "u", "h", ""}),
                 "offline delete");
    BOOST_TEST(book.applied().empty());
    BOOST_TEST(book.log().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
