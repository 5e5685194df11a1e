// Deploy-pipeline safety as users see it: drift and rebless, check's exit codes, offline SQL
// equal to the online run, backups, and resuming a non-transactional migration.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "program.hpp"
#include "support.hpp"

using namespace runner::integration;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// root -> (left, right) -> merge -> top, each creating a table with a row.
void write_branchy(const Project& p) {
    write_migration(p.dir(), "0001_root", "root01", {},
                    "CREATE TABLE root (x); INSERT INTO root VALUES (1);", "DROP TABLE root;");
    write_migration(p.dir(), "0002_left", "left02", {"root01"},
                    "CREATE TABLE lft (x); INSERT INTO lft VALUES (2);", "DROP TABLE lft;");
    write_migration(p.dir(), "0003_right", "right03", {"root01"},
                    "CREATE TABLE rgt (x); INSERT INTO rgt VALUES (3);", "DROP TABLE rgt;");
    write_migration(p.dir(), "0004_merge", "merge04", {"left02", "right03"}, "SELECT 1;",
                    "SELECT 1;");
    write_migration(p.dir(), "0005_top", "top05", {"merge04"},
                    "CREATE TABLE top (x); INSERT INTO top SELECT x FROM root;", "DROP TABLE top;");
}

// User tables with their rows, and the recorded revisions: what two databases must share.
std::vector<std::string> content(const std::string& db) {
    std::vector<std::string> out;
    for (const auto& t : table_names(db)) {
        if (t.rfind("runner_version", 0) == 0) {
            continue;
        }
        for (const auto& row : query_column(db, "SELECT x FROM " + t)) {
            out.push_back(t + "=" + row);
        }
    }
    for (const auto& r : query_column(db,
                                      "SELECT revision || ':' || how || ':' || checksum FROM "
                                      "runner_version ORDER BY revision")) {
        out.push_back(r);
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(deploy_safety)

BOOST_AUTO_TEST_CASE(editing_an_applied_migration_blocks_upgrade_until_reblessed) {
    Project p;
    write_migration(p.dir(), "0001_a", "a1", {}, "CREATE TABLE a (x);", "DROP TABLE a;");
    BOOST_TEST(p.run({"upgrade", "head"}).exit_code == 0);
    write_migration(p.dir(), "0001_a", "a1", {}, "CREATE TABLE a (x, y);", "DROP TABLE a;");
    write_migration(p.dir(), "0002_b", "b2", {"a1"}, "CREATE TABLE b (x);", "DROP TABLE b;");
    const std::string before = file_bytes(p.db());

    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST(up.exit_code == 1, up);
    BOOST_TEST(contains(up.err, "an applied migration was edited since it ran: " + p.dir() +
                                    "/0001_a.up.sql (revision a1, applied "),
               up);
    BOOST_TEST(contains(up.err, "'runner rebless a1 --reason \"...\"'"), up);
    BOOST_TEST(file_bytes(p.db()) == before);

    const RunResult check = p.run({"check"});
    BOOST_TEST(check.exit_code == 4, check);
    BOOST_TEST(starts_with(check.out, "drift: "), check);

    const RunResult bless = p.run({"rebless", "a1", "--reason", "added column y by hand in prod"});
    BOOST_TEST(bless.exit_code == 0, bless);
    BOOST_TEST(p.run({"check"}).exit_code == 3);  // b2 is pending now, nothing edited
    BOOST_TEST(p.run({"upgrade", "head"}).exit_code == 0);
    BOOST_TEST(p.run({"check"}).exit_code == 0);
    const RunResult history = p.run({"history", "--verbose", "-r", "a1:a1"});
    BOOST_TEST(contains(history.out, " rebless by "), history);
    BOOST_TEST(contains(history.out, ": added column y by hand in prod\n"), history);
}

BOOST_AUTO_TEST_CASE(line_endings_and_trailing_blanks_are_not_drift) {
    Project p;
    write_migration(p.dir(), "0001_a", "a1", {}, "CREATE TABLE a (x);\nINSERT INTO a VALUES (1);",
                    "DROP TABLE a;");
    BOOST_TEST(p.run({"upgrade", "head"}).exit_code == 0);
    std::string text = slurp(p.dir() + "/0001_a.up.sql");
    std::string crlf;
    for (const char c : text) {
        crlf += c == '\n' ? std::string("  \t\r\n") : std::string(1, c);
    }
    write_file(p.dir() + "/0001_a.up.sql", crlf + "\r\n\r\n");

    const RunResult check = p.run({"check"});

    BOOST_TEST(check.exit_code == 0, check);
    BOOST_TEST(starts_with(check.out, "ok: "), check);
}

BOOST_AUTO_TEST_CASE(check_reports_pending_migrations_with_exit_three_and_json) {
    Project p;
    write_branchy(p);
    BOOST_TEST(p.run({"upgrade", "left02"}).exit_code == 0);

    const RunResult text = p.run({"check"});
    const RunResult json = p.run({"check", "--format", "json"});

    BOOST_TEST(text.exit_code == 3, text);
    BOOST_TEST(text.out == "pending: 3 migrations not applied: right03, merge04, top05\n", text);
    BOOST_TEST(json.exit_code == 3, json);
    BOOST_TEST(contains(json.out, "\"status\":\"pending\",\"exit_code\":3,"), json);
    BOOST_TEST(contains(json.out, "\"pending\":[\"right03\",\"merge04\",\"top05\"]"), json);
}

BOOST_AUTO_TEST_CASE(offline_script_leaves_the_database_as_the_online_upgrade_and_downgrade) {
    if (!have_program("sqlite3")) {
        BOOST_TEST_MESSAGE("sqlite3 shell not installed; skipped");
        return;
    }
    Project online;
    write_branchy(online);
    Project offline;
    write_branchy(offline);
    BOOST_TEST(online.run({"upgrade", "heads"}).exit_code == 0);

    const RunResult script = offline.run({"upgrade", "heads", "--sql"});
    BOOST_TEST(script.exit_code == 0, script);
    BOOST_TEST(!file_exists(offline.db()), "--sql only prints");
    const RunResult applied =
        run_program({"sqlite3", "-bail", offline.db()}, offline.root(), {}, script.out);
    BOOST_TEST(applied.exit_code == 0, applied);

    BOOST_TEST(content(offline.db()) == content(online.db()));
    BOOST_TEST(offline.run({"current"}).out == online.run({"current"}).out);

    // Down again: the FROM:TO script and the online downgrade agree too.
    BOOST_TEST(online.run({"downgrade", "root01"}).exit_code == 0);
    const RunResult down = offline.run({"downgrade", "top05:root01", "--sql", "--atomic"});
    BOOST_TEST(down.exit_code == 0, down);
    BOOST_TEST(
        run_program({"sqlite3", "-bail", offline.db()}, offline.root(), {}, down.out).exit_code ==
        0);
    BOOST_TEST(content(offline.db()) == content(online.db()));
}

BOOST_AUTO_TEST_CASE(upgrade_with_backup_copies_the_database_first) {
    Project p;
    write_migration(p.dir(), "0001_a", "a1", {}, "CREATE TABLE a (x); INSERT INTO a VALUES (1);",
                    "DROP TABLE a;");
    BOOST_TEST(p.run({"upgrade", "head"}).exit_code == 0);
    write_migration(p.dir(), "0002_b", "b2", {"a1"}, "DELETE FROM a;", "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head", "--backup"});

    BOOST_TEST(r.exit_code == 0, r);
    const std::string prefix = "Backed up " + p.db() + " to ";
    BOOST_TEST_REQUIRE(contains(r.err, prefix), r);
    const auto start = r.err.find(prefix) + prefix.size();
    const std::string backup = r.err.substr(start, r.err.find('\n', start) - start);
    BOOST_TEST(starts_with(backup, p.db() + ".backup-"));
    BOOST_TEST(query_column(backup, "SELECT count(*) FROM a") == std::vector<std::string>{"1"});
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM a") == std::vector<std::string>{"0"});

    const RunResult explicit_backup = p.run({"backup", "--to", p.path("copy.db")});
    BOOST_TEST(explicit_backup.exit_code == 0, explicit_backup);
    BOOST_TEST(explicit_backup.out == p.path("copy.db") + "\n");
    BOOST_TEST(query_column(p.path("copy.db"), "SELECT count(*) FROM runner_version") ==
               std::vector<std::string>{"2"});
    BOOST_TEST(p.run({"backup", "--to", p.path("copy.db")}).exit_code == 1, "never overwrites");
}

BOOST_AUTO_TEST_CASE(failed_non_transactional_migration_resumes_at_the_failed_statement) {
    Project p;
    write_migration(p.dir(), "0001_a", "a1", {},
                    "CREATE TABLE one (x);\nCREATE TABLE two (x);\nINSERT INTO nope VALUES (1);\n"
                    "CREATE TABLE three (x);\n",
                    "SELECT 1;", {"transactional: false"});

    const RunResult failed = p.run({"upgrade", "head"});
    BOOST_TEST(failed.exit_code == 1, failed);
    BOOST_TEST(contains(failed.err, "before statement 3 stayed applied"), failed);
    BOOST_TEST(p.run({"check"}).exit_code == 5);
    const RunResult refused = p.run({"upgrade", "head"});
    BOOST_TEST(refused.exit_code == 1, refused);
    BOOST_TEST(contains(refused.err, "stopped at statement 3 (line 8)"), refused);
    BOOST_TEST(contains(refused.err, "--resume"), refused);

    // Fix the cause (the failed statement now has its table), then continue where it stopped.
    write_migration(p.dir(), "0001_a", "a1", {},
                    "CREATE TABLE one (x);\nCREATE TABLE two (x);\nCREATE TABLE nope (x); INSERT "
                    "INTO nope VALUES (1);\nCREATE TABLE three (x);\n",
                    "SELECT 1;", {"transactional: false"});
    const RunResult resumed = p.run({"upgrade", "head", "--resume"});

    BOOST_TEST(resumed.exit_code == 0, resumed);
    BOOST_TEST(table_names(p.db()) ==
               (std::vector<std::string>{"nope", "one", "runner_version", "runner_version_log",
                                         "runner_version_partial", "three", "two"}));
    BOOST_TEST(p.run({"check"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(resolve_records_a_migration_finished_by_hand) {
    Project p;
    write_migration(p.dir(), "0001_a", "a1", {},
                    "CREATE TABLE one (x);\nINSERT INTO nope VALUES (1);\n", "SELECT 1;",
                    {"transactional: false"});
    BOOST_TEST(p.run({"upgrade", "head"}).exit_code == 1);

    const RunResult r = p.run({"resolve", "a1"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.err == "Resolved upgrade of a1: recorded as applied\n");
    BOOST_TEST(p.run({"current"}).out == "a1 (head)\n");
    BOOST_TEST(p.run({"resolve", "a1"}).exit_code == 1, "nothing left to resolve");
}

BOOST_AUTO_TEST_CASE(upgrade_json_report_lists_the_steps_even_on_failure) {
    Project p;
    write_migration(p.dir(), "0001_a", "a1", {}, "CREATE TABLE a (x);", "DROP TABLE a;");
    write_migration(p.dir(), "0002_b", "b2", {"a1"}, "INSERT INTO nope VALUES (1);", "SELECT 1;");

    const RunResult r = p.run({"upgrade", "head", "--format", "json"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(starts_with(r.out, "{\"command\":\"upgrade\",\"target\":\"head\","), r);
    BOOST_TEST(contains(r.out, "\"ok\":false"), r);
    BOOST_TEST(contains(r.out, "\"steps\":[{\"revision\":\"a1\""), r);
    BOOST_TEST(!contains(r.out, "\"revision\":\"b2\""), r);
    BOOST_TEST(contains(r.out, "\"error\":\"" + p.dir() + "/0002_b.up.sql:5: no such table: nope"),
               r);
}

BOOST_AUTO_TEST_SUITE_END()
