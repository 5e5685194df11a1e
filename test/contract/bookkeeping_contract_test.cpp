// The Bookkeeping contract, run on every backend: the version table, the audit log and the
// partial records read back what was written, and the offline text is the same bookkeeping.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "backends.hpp"
#include "db/bookkeeping.hpp"

namespace runner::contract {
namespace {

LogEntry entry(const std::string& revision, const std::string& action, const std::string& at) {
    LogEntry e;
    e.at = at;
    e.revision = revision;
    e.action = action;
    e.user = "ann";
    e.host = "box";
    return e;
}

std::vector<std::string> revisions(const std::vector<AppliedRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) {
        out.push_back(r.revision);
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bookkeeping_contract)

BOOST_AUTO_TEST_CASE(an_empty_database_has_no_bookkeeping_and_reads_as_empty) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            Bookkeeping book(*db, "runner_version");
            BOOST_TEST(!book.exists());
            BOOST_TEST(book.applied().empty());
            BOOST_TEST(book.log().empty());
            BOOST_TEST(book.partials().empty());
            BOOST_TEST(!book.is_applied("abc"));
            BOOST_TEST(!book.alembic_versions("alembic_version").has_value());
            book.clear_partial("abc");  // nothing to clear: no table, no error
            BOOST_TEST(!book.exists(), "reading created nothing");
        }
    }
}

BOOST_AUTO_TEST_CASE(applied_revisions_read_back_in_the_order_they_were_applied) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            Bookkeeping book(*db, "runner_version");
            Transaction txn(*db);
            book.ensure_tables();
            book.insert_applied({"bbb", "2026-01-01 00:00:00", 5, "sha256:x", "upgrade"});
            book.insert_applied({"aaa", "2026-01-01 00:00:00", 0, "", "stamp"});
            book.insert_applied({"ccc", "2025-12-31 23:59:59", 1, "", "adopt"});
            txn.commit();
            BOOST_TEST(book.exists());
            const auto applied = book.applied();
            BOOST_TEST((revisions(applied) == std::vector<std::string>{"ccc", "bbb", "aaa"}));
            BOOST_TEST(applied[1].duration_ms == 5);
            BOOST_TEST(applied[1].checksum == "sha256:x");
            BOOST_TEST(applied[2].checksum == "", "a stamp has no checksum");
            BOOST_TEST(applied[2].how == "stamp");
            BOOST_TEST(book.is_applied("aaa"));
            BOOST_TEST(!book.is_applied("zzz"));
        }
    }
}

BOOST_AUTO_TEST_CASE(removing_a_revision_that_is_not_recorded_is_an_error) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            Bookkeeping book(*db, "runner_version");
            Transaction txn(*db);
            book.ensure_tables();
            book.insert_applied({"aaa", "2026-01-01 00:00:00", 0, "", "upgrade"});
            book.delete_applied("aaa");
            BOOST_CHECK_THROW(book.delete_applied("aaa"), Error);
            BOOST_CHECK_THROW(book.update_checksum("aaa", "sha256:y"), Error);
            book.insert_applied({"bbb", "2026-01-01 00:00:00", 0, "", "upgrade"});
            book.update_checksum("bbb", "sha256:y");
            BOOST_TEST(book.applied().at(0).checksum == "sha256:y");
            book.delete_all_applied();
            BOOST_TEST(book.applied().empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(the_audit_log_keeps_every_field_in_order) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            Bookkeeping book(*db, "runner_version");
            Transaction txn(*db);
            book.ensure_tables();
            LogEntry first = entry("bbb", "upgrade", "2026-01-02 00:00:00");
            first.duration_ms = 12;
            first.checksum = "sha256:1";
            first.detail = "it's fine";
            book.append_log(first);
            book.append_log(entry("aaa", "downgrade", "2026-01-01 00:00:00"));
            txn.commit();
            const auto log = book.log();
            BOOST_TEST_REQUIRE(log.size() == 2u);
            BOOST_TEST(log[0].revision == "bbb", "by insertion, not by time or name");
            BOOST_TEST(log[0].duration_ms == 12);
            BOOST_TEST(log[0].checksum == "sha256:1");
            BOOST_TEST(log[0].user == "ann");
            BOOST_TEST(log[0].host == "box");
            BOOST_TEST(log[0].detail == "it's fine");
            BOOST_TEST(log[1].action == "downgrade");
            BOOST_TEST(log[1].checksum == "");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_corrected_duration_replaces_only_the_rows_of_that_step) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            Bookkeeping book(*db, "runner_version");
            Transaction txn(*db);
            book.ensure_tables();
            LogEntry step = entry("aaa", "upgrade", "2026-01-01 00:00:00");
            step.duration_ms = 3;
            book.insert_applied({"aaa", step.at, 3, "", "upgrade"});
            book.append_log(step);
            LogEntry other = step;
            other.action = "stamp";
            book.append_log(other);
            book.correct_duration(step, 40);
            txn.commit();
            BOOST_TEST(book.applied().at(0).duration_ms == 40);
            BOOST_TEST(book.log().at(0).duration_ms == 40);
            BOOST_TEST(book.log().at(1).duration_ms == 3, "another action's row is not touched");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_partial_record_is_replaced_and_cleared) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            Bookkeeping book(*db, "runner_version");
            Transaction txn(*db);
            book.ensure_tables();
            book.set_partial({"aaa", "upgrade", 2, 5, "interrupted", "2026-01-01 00:00:00", "d1"});
            book.set_partial({"aaa", "upgrade", 3, 9, "boom", "2026-01-01 00:00:01", ""});
            book.set_partial({"bbb", "downgrade", 1, 1, "x", "2026-01-01 00:00:02", "d2"});
            txn.commit();
            auto partials = book.partials();
            BOOST_TEST_REQUIRE(partials.size() == 2u);
            BOOST_TEST(partials[0].revision == "aaa");
            BOOST_TEST(partials[0].statement == 3);
            BOOST_TEST(partials[0].line == 9);
            BOOST_TEST(partials[0].error == "boom");
            BOOST_TEST(partials[0].digest == "");
            BOOST_TEST(partials[1].direction == "downgrade");
            BOOST_TEST(partials[1].digest == "d2");
            book.clear_partial("aaa");
            partials = book.partials();
            BOOST_TEST_REQUIRE(partials.size() == 1u);
            BOOST_TEST(partials[0].revision == "bbb");
        }
    }
}

BOOST_AUTO_TEST_CASE(alembic_versions_are_read_and_the_table_dropped) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            db->execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)", {},
                        "creating");
            db->execute("INSERT INTO alembic_version VALUES ('b2'), ('a1')", {}, "inserting");
            Bookkeeping book(*db, "runner_version");
            BOOST_TEST(
                (book.alembic_versions("alembic_version") == std::vector<std::string>{"a1", "b2"}));
            Transaction txn(*db);
            book.drop_alembic_table("alembic_version");
            txn.commit();
            BOOST_TEST(!book.alembic_versions("alembic_version").has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_version_table_that_is_not_runners_is_refused_by_name) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("mine");
            db->execute("CREATE TABLE mine (id INTEGER, name TEXT)", {}, "creating");
            Bookkeeping book(*db, "mine");
            try {
                book.applied();
                BOOST_FAIL("an application table was read as the version table");
            } catch (const Error& e) {
                BOOST_TEST(std::string(e.what()).find("is not a runner version table (its "
                                                      "columns are id, name)") != std::string::npos,
                           e.what());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_offline_bookkeeping_text_records_what_the_online_one_does) {
    for (const auto& backend : contract_backends()) {
        BOOST_TEST_CONTEXT("backend " << backend.name) {
            auto db = backend.open_fresh("runner_version");
            Bookkeeping book(*db, "runner_version");
            LogEntry e = entry("it's", "upgrade", "");
            e.checksum = "sha256:z";
            e.detail = "offline script";
            const std::string sql =
                book.schema_sql() +
                book.record_applied_sql({"it's", "", 0, "sha256:z", "upgrade"}, e) +
                book.remove_applied_sql("it's", entry("it's", "downgrade", "")) +
                book.record_applied_sql({"it's", "", 0, "sha256:z", "upgrade"}, e);
            // Statement by statement, as the DBA's client would run them (a migration script may
            // not write the bookkeeping; these values hold no ";\n").
            Transaction txn(*db);
            for (std::size_t from = 0; from < sql.size();) {
                const auto end = sql.find(";\n", from);
                BOOST_TEST_REQUIRE(end != std::string::npos);
                db->execute(sql.substr(from, end - from), {}, "running the offline text");
                from = end + 2;
            }
            txn.commit();
            const auto applied = book.applied();
            BOOST_TEST_REQUIRE(applied.size() == 1u);
            BOOST_TEST(applied[0].revision == "it's");
            BOOST_TEST(applied[0].applied_at.size() == 19u, applied[0].applied_at);
            BOOST_TEST(applied[0].checksum == "sha256:z");
            const auto log = book.log();
            BOOST_TEST_REQUIRE(log.size() == 3u);
            BOOST_TEST(log[0].checksum == "sha256:z");
            BOOST_TEST(log[1].action == "downgrade");
            BOOST_TEST(log[2].detail == "offline script");
            BOOST_TEST(log[2].user == "ann");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::contract
