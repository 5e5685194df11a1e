// The rules checked before a plan runs (exec/preflight): drift, migrations that stopped
// part-way, --atomic and the backup decision, on in-memory graphs.
#include "exec/preflight.hpp"

#include <ctime>
#include <functional>

#include <boost/test/unit_test.hpp>

#include "test_graphs.hpp"

namespace runner {
namespace {

using test::make_graph;
using test::make_migration;
using test::Spec;

// a <- b <- c, with b not transactional in both directions.
RevisionGraph chain_with_non_transactional_b() {
    std::vector<Migration> migrations;
    for (const auto& spec : {Spec{"a"}, Spec{"b", {"a"}}, Spec{"c", {"b"}}}) {
        migrations.push_back(make_migration(spec));
    }
    migrations[1].up_transactional = false;
    migrations[1].down_transactional = false;
    return RevisionGraph(std::move(migrations));
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        BOOST_TEST(e.exit_code() == kExitError);
        return e.what();
    }
    return "";
}

PartialRecord partial(const std::string& revision, const std::string& direction) {
    PartialRecord p;
    p.revision = revision;
    p.direction = direction;
    p.statement = 3;
    p.line = 7;
    p.error = "no such table: t";
    p.at = "2026-11-27 08:00:00";
    return p;
}

BOOST_AUTO_TEST_SUITE(preflight)

BOOST_AUTO_TEST_CASE(no_drift_says_nothing) {
    const auto graph = make_graph({{"a"}});
    BOOST_TEST(!check_drift(graph, {}, false).has_value());
    BOOST_TEST(!check_drift(graph, {}, true).has_value());
}

BOOST_AUTO_TEST_CASE(drift_is_refused_naming_the_file_and_the_emergency_option) {
    const auto graph = make_graph({{"a"}});
    const std::vector<Drift> drift{{0, "sql/a.up.sql", "2026-11-27 08:00:00", "old", "new"}};
    const std::string message = error_of([&] { check_drift(graph, drift, false); });
    BOOST_TEST(message ==
               "an applied migration was edited since it ran: sql/a.up.sql (revision a, applied "
               "2026-11-27 08:00:00 UTC); restore the file, or review the change and record it "
               "with 'runner rebless a --reason \"...\"' (or, in an emergency, run with "
               "--allow-drift)");
}

BOOST_AUTO_TEST_CASE(allowed_drift_is_a_warning_not_an_error) {
    const auto graph = make_graph({{"a"}});
    const std::vector<Drift> drift{{0, "sql/a.up.sql", "2026-11-27 08:00:00", "old", "new"}};
    const auto warning = check_drift(graph, drift, true);
    BOOST_REQUIRE(warning.has_value());
    BOOST_TEST(warning->rfind("--allow-drift: an applied migration was edited", 0) == 0);
}

BOOST_AUTO_TEST_CASE(a_partial_blocks_a_plan_that_does_not_resume_it) {
    const auto graph = chain_with_non_transactional_b();
    const std::vector<Rev> steps{1, 2};
    const std::vector<PartialRecord> partials{partial("b", "upgrade")};
    const std::string message =
        error_of([&] { check_partials(graph, partials, steps, Direction::kUpgrade, false); });
    BOOST_TEST(message ==
               "migration b (b.up.sql) is not transactional and stopped at statement 3 (line 7) "
               "on 2026-11-27 08:00:00 UTC: no such table: t; the statements before it are "
               "applied. Run again with --resume to continue at that statement, or finish it by "
               "hand and run 'runner resolve b'");
}

BOOST_AUTO_TEST_CASE(a_partial_is_resumed_only_by_a_plan_in_its_direction_that_includes_it) {
    const auto graph = chain_with_non_transactional_b();
    const std::vector<PartialRecord> partials{partial("b", "upgrade")};
    BOOST_CHECK_NO_THROW(
        check_partials(graph, partials, {Rev{1}, Rev{2}}, Direction::kUpgrade, true));
    BOOST_CHECK_THROW(check_partials(graph, partials, {Rev{2}}, Direction::kUpgrade, true), Error);
    BOOST_CHECK_THROW(check_partials(graph, partials, {Rev{1}}, Direction::kDowngrade, true),
                      Error);
    const std::vector<PartialRecord> down{partial("b", "downgrade")};
    const std::string message =
        error_of([&] { check_partials(graph, down, {Rev{2}}, Direction::kDowngrade, false); });
    BOOST_TEST(message.rfind("migration b (b.down.sql) is not transactional", 0) == 0, message);
}

BOOST_AUTO_TEST_CASE(a_partial_of_a_revision_no_file_declares_says_to_forget_it) {
    const auto graph = chain_with_non_transactional_b();
    const std::vector<PartialRecord> partials{partial("gone", "upgrade")};
    const std::string message =
        error_of([&] { check_partials(graph, partials, {}, Direction::kUpgrade, true); });
    BOOST_TEST(message ==
               "a migration gone stopped part-way in upgrade at statement 3 on 2026-11-27 "
               "08:00:00 UTC: no such table: t; no migration file declares that revision any "
               "more. Put the database in the state you want by hand, then run 'runner resolve "
               "--forget gone' to remove the record");
}

BOOST_AUTO_TEST_CASE(no_partials_let_every_plan_through) {
    const auto graph = chain_with_non_transactional_b();
    BOOST_CHECK_NO_THROW(check_partials(graph, {}, {Rev{0}}, Direction::kUpgrade, false));
}

BOOST_AUTO_TEST_CASE(atomic_refuses_a_plan_with_a_non_transactional_step) {
    const auto graph = chain_with_non_transactional_b();
    BOOST_CHECK_NO_THROW(check_atomic(graph, {Rev{0}, Rev{2}}, Direction::kUpgrade));
    BOOST_TEST(error_of([&] {
                   check_atomic(graph, {Rev{0}, Rev{1}}, Direction::kUpgrade);
               }) ==
               "--atomic cannot run b.up.sql: it is marked 'transactional: false'; run without "
               "--atomic");
    BOOST_TEST(error_of([&] {
                   check_atomic(graph, {Rev{2}, Rev{1}}, Direction::kDowngrade);
               }) ==
               "--atomic cannot run b.down.sql: it is marked 'transactional: false'; run without "
               "--atomic");
}

BOOST_AUTO_TEST_CASE(nothing_to_do_names_the_database_and_the_target) {
    BOOST_TEST(nothing_to_do_message(Direction::kUpgrade, "app.db", "head") ==
               "Nothing to upgrade: app.db already has every migration 'head' needs");
    BOOST_TEST(nothing_to_do_message(Direction::kDowngrade, "app.db", "base") ==
               "Nothing to downgrade: app.db has nothing applied above 'base'");
}

BOOST_AUTO_TEST_CASE(a_backup_is_taken_only_when_asked_and_there_is_a_database) {
    BOOST_TEST((decide_backup(false, true) == BackupDecision::kNotAsked));
    BOOST_TEST((decide_backup(false, false) == BackupDecision::kNotAsked));
    BOOST_TEST((decide_backup(true, true) == BackupDecision::kTake));
    BOOST_TEST((decide_backup(true, false) == BackupDecision::kNoDatabase));
}

BOOST_AUTO_TEST_CASE(the_default_backup_path_is_the_file_with_the_local_time) {
    std::tm tm{};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 10;
    tm.tm_mday = 27;
    tm.tm_hour = 9;
    tm.tm_min = 5;
    tm.tm_sec = 7;
    tm.tm_isdst = -1;
    BOOST_TEST(default_backup_path("dir/app.db", std::mktime(&tm)) ==
               "dir/app.db.backup-20261127-090507");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
