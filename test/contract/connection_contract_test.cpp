// The Connection contract, run on every backend: transactions, scripts, statements, queries and
// scratch databases behave as db/connection.hpp promises.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "backends.hpp"
#include "db/connection.hpp"
#include "db/dialect.hpp"

namespace runner::contract {
namespace {

std::int64_t count_rows(Connection& db, const std::string& table) {
    const auto rows = db.query("SELECT count(*) FROM " + table, {}, "counting");
    return std::stoll(rows.at(0).at(0).value());
}

// Records what the observer was told.
class TouchLog final : public ScriptObserver {
  public:
    void statement_done(const StatementTouch& touch) override {
        statements.push_back(touch.statement);
        lines.push_back(touch.line);
        written.push_back(touch.tables_written);
        changed.push_back(touch.tables_changed);
    }
    std::vector<int> statements;
    std::vector<int> lines;
    std::vector<std::vector<std::string>> written;
    std::vector<std::vector<std::string>> changed;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_contract)

BOOST_AUTO_TEST_CASE(committed_writes_stay_and_rolled_back_writes_vanish) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            BOOST_TEST(db->exists());
            db->execute(create_table_sql("t"), {}, "creating t");
            db->begin();
            db->execute("INSERT INTO t (x) VALUES (1)", {}, "inserting");
            db->commit();
            db->begin();
            db->execute("INSERT INTO t (x) VALUES (2)", {}, "inserting");
            db->rollback();
            BOOST_TEST(count_rows(*db, "t") == 1);
            db->rollback();  // nothing open: does nothing
            BOOST_TEST(count_rows(*db, "t") == 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_transaction_not_committed_rolls_back_when_it_ends) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            db->execute(create_table_sql("t"), {}, "creating t");
            {
                Transaction txn(*db);
                db->execute("INSERT INTO t (x) VALUES (1)", {}, "inserting");
            }
            BOOST_TEST(count_rows(*db, "t") == 0);
            {
                Transaction txn(*db);
                db->execute("INSERT INTO t (x) VALUES (1)", {}, "inserting");
                txn.commit();
            }
            BOOST_TEST(count_rows(*db, "t") == 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(execute_binds_parameters_and_counts_changed_rows) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            const Dialect& d = db->dialect();
            db->execute("CREATE TABLE kv (k TEXT, v INTEGER, note TEXT)", {}, "creating kv");
            const std::string insert = "INSERT INTO kv (k, v, note) VALUES (" + d.parameter(1) +
                                       ", " + d.parameter(2) + ", " + d.parameter(3) + ")";
            BOOST_TEST(db->execute(insert, {std::string_view("a'b"), std::int64_t{7}, nullptr},
                                   "inserting") == 1);
            BOOST_TEST(db->execute(insert,
                                   {std::string_view("c"), std::int64_t{-3}, std::string_view("")},
                                   "inserting") == 1);
            BOOST_TEST(db->execute("UPDATE kv SET v = v + 1", {}, "updating") == 2);
            const auto rows = db->query("SELECT k, v, note FROM kv ORDER BY k", {}, "reading kv");
            BOOST_TEST_REQUIRE(rows.size() == 2u);
            BOOST_TEST(rows[0][0].value() == "a'b");
            BOOST_TEST(rows[0][1].value() == "8");
            BOOST_TEST(!rows[0][2].has_value(), "NULL reads as nullopt");
            BOOST_TEST(rows[1][1].value() == "-2");
            BOOST_TEST(rows[1][2].value() == "", "an empty text stays text");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_failing_statement_of_runner_names_what_it_was_doing) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            db->execute("CREATE TABLE n (x INTEGER NOT NULL)", {}, "creating n");
            try {
                db->execute("INSERT INTO n (x) VALUES (" + db->dialect().parameter(1) + ")",
                            {nullptr}, "storing the moon");
                BOOST_FAIL("a NULL went into a NOT NULL column");
            } catch (const DatabaseError& e) {
                const std::string what = e.what();
                BOOST_TEST(what.rfind(db->describe() + ": storing the moon: ", 0) == 0, what);
                BOOST_TEST(!e.code().empty());
            }
            BOOST_CHECK_THROW(db->query("SELECT * FROM no_such_table", {}, "reading"),
                              DatabaseError);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_script_runs_every_statement_and_counts_them) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            StringSource sql(create_table_sql("t") + ";\nINSERT INTO t (x) VALUES (1);\n" +
                             "-- a comment\nINSERT INTO t (x) VALUES (2);\n");
            Transaction txn(*db);
            BOOST_TEST(db->run_script(sql, "up.sql", ScriptRun{}) == 3);
            txn.commit();
            BOOST_TEST(count_rows(*db, "t") == 2);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_failing_script_statement_names_its_file_line_and_index) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            StringSource sql(create_table_sql("t") + ";\n\nINSERT INTO nowhere VALUES (1);\n");
            Transaction txn(*db);
            try {
                db->run_script(sql, "dir/up.sql", ScriptRun{});
                BOOST_FAIL("the script succeeded");
            } catch (const RefusedStatementError&) {
                BOOST_FAIL("an ordinary failure was reported as refused");
            } catch (const StatementError& e) {
                BOOST_TEST(e.line() == 3);
                BOOST_TEST(e.statement() == 2);
                BOOST_TEST(std::string(e.what()).rfind("dir/up.sql:3: ", 0) == 0, e.what());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(transaction_control_inside_runners_transaction_is_refused_before_it_runs) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            db->execute(create_table_sql("t"), {}, "creating t");
            StringSource sql("INSERT INTO t (x) VALUES (1);\nCOMMIT;\n");
            {
                Transaction txn(*db);
                BOOST_CHECK_THROW(db->run_script(sql, "up.sql", ScriptRun{}),
                                  RefusedStatementError);
            }
            BOOST_TEST(count_rows(*db, "t") == 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_script_may_not_write_runners_bookkeeping) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("ledger");
            for (const auto& ddl :
                 db->dialect().bookkeeping_ddl(BookkeepingTables("ledger"), true)) {
                db->execute(ddl, {}, "creating the bookkeeping");
            }
            StringSource sql("DELETE FROM ledger;\n");
            Transaction txn(*db);
            BOOST_CHECK_THROW(db->run_script(sql, "up.sql", ScriptRun{}), RefusedStatementError);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_script_resumes_after_the_statements_it_skips) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            db->execute(create_table_sql("t"), {}, "creating t");
            StringSource sql(create_table_sql("t") + ";\nINSERT INTO t (x) VALUES (1);\n" +
                             "INSERT INTO t (x) VALUES (2);\n");
            Transaction txn(*db);
            ScriptRun run;
            run.skip = 2;  // the CREATE (it would fail now) and the first INSERT
            BOOST_TEST(db->run_script(sql, "up.sql", run) == 3);
            txn.commit();
            const auto rows = db->query("SELECT x FROM t", {}, "reading t");
            BOOST_TEST_REQUIRE(rows.size() == 1u);
            BOOST_TEST(rows[0][0].value() == "2");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_non_transactional_script_records_its_progress_and_where_it_stopped) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            db->execute(create_table_sql("t"), {}, "creating t");
            StringSource sql(
                "INSERT INTO t (x) VALUES (1);\nINSERT INTO t (x) VALUES (2);\nBROKEN;\n");
            std::vector<int> recorded;
            NonTransactionalRun nt;
            nt.record = [&](const ScriptProgress& at) { recorded.push_back(at.next_statement); };
            ScriptRun run;
            run.non_transactional = &nt;
            BOOST_CHECK_THROW(db->run_script(sql, "up.sql", run), StatementError);
            BOOST_TEST(count_rows(*db, "t") == 2, "the statements before the failure stay");
            BOOST_TEST(nt.stopped.next_statement == 3);
            BOOST_TEST(nt.stopped.line == 3);
            BOOST_TEST(!nt.stopped.digest.empty());
            BOOST_TEST_REQUIRE(!recorded.empty());
            BOOST_TEST(recorded.back() == 3);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_observer_hears_what_each_statement_touched) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            StringSource sql(create_table_sql("t") + ";\n\nINSERT INTO t (x) VALUES (1);\n");
            TouchLog log;
            ScriptRun run;
            run.observer = &log;
            Transaction txn(*db);
            db->run_script(sql, "up.sql", run);
            BOOST_TEST((log.statements == std::vector<int>{1, 2}));
            BOOST_TEST((log.lines == std::vector<int>{1, 3}));
            BOOST_TEST_REQUIRE(log.changed.size() == 2u);
            BOOST_TEST((log.changed[0] == std::vector<std::string>{"t"}));
            BOOST_TEST((log.written[1] == std::vector<std::string>{"t"}));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_scratch_database_starts_empty_and_is_private) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            db->execute(create_table_sql("mine"), {}, "creating mine");
            auto scratch = db->open_scratch();
            BOOST_TEST(scratch->exists());
            const auto& d = scratch->dialect();
            BOOST_TEST(scratch->query(d.table_exists_query(), {std::string_view("mine")}, "looking")
                           .empty());
            scratch->execute(create_table_sql("s"), {}, "creating s");
            BOOST_TEST(
                db->query(d.table_exists_query(), {std::string_view("s")}, "looking").empty());
            BOOST_TEST(!scratch->describe().empty());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::contract
