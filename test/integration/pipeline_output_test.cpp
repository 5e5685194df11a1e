// Output a pipeline can parse (issue 10): one JSON document on stdout whatever happens, valid
// UTF-8 whatever the bytes, terminal-safe text, write errors on stdout, lock timeouts (exit 6),
// --atomic progress, durations, failed steps in the audit log, and --log-limit.
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <stdexcept>
#include <thread>

#include "support.hpp"

namespace runner::integration {
namespace {

// Exactly one JSON document, strictly valid (UTF-8, no lone surrogates), as Python's json
// module reads it; "" when it is, else why not.
std::string one_json_document_problem(const std::string& text) {
    ProcessOptions options;
    options.argv = {"/usr/bin/python3", "-c",
                    "import sys, json\n"
                    "data = sys.stdin.buffer.read().decode('utf-8')\n"
                    "obj, end = json.JSONDecoder().raw_decode(data.strip())\n"
                    "if data.strip()[end:].strip():\n"
                    "    sys.exit('more than one document')\n"
                    "def walk(o):\n"
                    "    if isinstance(o, str): o.encode('utf-8')\n"
                    "    elif isinstance(o, dict): [walk(k) or walk(v) for k, v in o.items()]\n"
                    "    elif isinstance(o, list): [walk(x) for x in o]\n"
                    "walk(obj)\n"};
    options.input = text;
    options.cwd = "/";
    const RunResult r = run_process(options);
    return r.exit_code == 0 ? "" : r.err;
}

// r1 <- r2a, r1 <- r2b: two heads.
void write_two_heads(const Project& p) {
    write_migration(p.dir(), "0001_one", "r1", {}, "CREATE TABLE one (x);", "DROP TABLE one;");
    write_migration(p.dir(), "0002_a", "r2a", {"r1"}, "CREATE TABLE a (x);", "DROP TABLE a;");
    write_migration(p.dir(), "0002_b", "r2b", {"r1"}, "CREATE TABLE b (x);", "DROP TABLE b;");
}

struct JsonErrorCase {
    std::string name;
    std::vector<std::string> args;
    std::string says;
};

BOOST_AUTO_TEST_SUITE(pipeline_output)

BOOST_AUTO_TEST_CASE(every_error_with_format_json_prints_one_json_document_with_message_and_code) {
    Project p;
    write_two_heads(p);
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "r1"}).exit_code, 0);
    write_file(p.path("notes.txt"), "not a database, just notes\n");
    const std::vector<JsonErrorCase> cases = {
        {"unknown target", {"upgrade", "nosuch", "--format", "json"}, "Can't locate revision"},
        {"unknown target, downgrade",
         {"downgrade", "nosuch", "--format", "json"},
         "Can't locate revision"},
        {"multiple heads", {"upgrade", "head", "--format", "json"}, "Multiple head revisions"},
        {"ambiguous walk", {"upgrade", "r1+1", "--format", "json"}, "mbiguous"},
        {"unknown revision for show",
         {"show", "nosuch", "--format", "json"},
         "Can't locate revision"},
        {"multiple heads for history",
         {"history", "-r", "r1:head", "--format", "json"},
         "Multiple head revisions"},
        {"database that cannot be opened",
         {"--db", p.path("notes.txt"), "current", "--format", "json"},
         "file is not a database"},
        {"database that cannot be opened, upgrade",
         {"--db", p.path("notes.txt"), "upgrade", "heads", "--format", "json"},
         "file is not a database"},
        {"database that cannot be opened, check",
         {"--db", p.path("notes.txt"), "check", "--format", "json"},
         "file is not a database"},
        {"reset on a database that cannot be opened",
         {"--db", p.path("notes.txt"), "reset", "--yes", "--format", "json"},
         "file is not a database"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            std::vector<std::string> args = c.args;
            if (args.front() != "--db") {
                args.insert(args.begin(), {"--db", p.db()});
            }
            args.insert(args.begin(), {"--dir", p.dir()});
            const RunResult r = run_runner(args, p.root());
            BOOST_TEST(r.exit_code == 1, r);
            BOOST_TEST(one_json_document_problem(r.out) == "", r);
            BOOST_TEST(contains(r.out, "\"ok\":false"), r);
            BOOST_TEST(contains(r.out, "\"exit_code\":1"), r);
            BOOST_TEST(contains(r.out, c.says), r);
            BOOST_TEST(contains(r.err, "runner: error: "), r);  // people still read stderr
        }
    }
}

BOOST_AUTO_TEST_CASE(drift_and_unknown_recorded_revisions_are_json_documents_too) {
    Project p;
    p.write_chain({"r1", "r2"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "r1"}).exit_code, 0);
    write_file(p.dir() + "/0001_r1.up.sql",
               file_bytes(p.dir() + "/0001_r1.up.sql") + "CREATE TABLE edited (x);\n");
    const RunResult drift = p.run({"upgrade", "head", "--format", "json"});
    BOOST_TEST(drift.exit_code == 1, drift);
    BOOST_TEST(one_json_document_problem(drift.out) == "", drift);
    BOOST_TEST(contains(drift.out, "edited since it ran"), drift);

    exec_sql(p.db(),
             "INSERT INTO runner_version (revision, applied_at, duration_ms, how) "
             "VALUES ('ghost9', '2026-01-01 00:00:00', 0, 'upgrade')");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"current", "--format", "json"},
          std::vector<std::string>{"history", "--format", "json"},
          std::vector<std::string>{"downgrade", "base", "--format", "json"}}) {
        const RunResult r = p.run(args);
        BOOST_TEST(r.exit_code == 1, r);
        BOOST_TEST(one_json_document_problem(r.out) == "", r);
        BOOST_TEST(contains(r.out, "ghost9"), r);
    }
}

BOOST_AUTO_TEST_CASE(usage_errors_with_format_json_are_a_json_document_with_exit_code_two) {
    Project p;
    p.write_chain({"r1"});
    const RunResult r = p.run({"upgrade", "--format", "json"});
    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(one_json_document_problem(r.out) == "", r);
    BOOST_TEST(contains(r.out, "\"exit_code\":2"), r);
}

BOOST_AUTO_TEST_CASE(reset_with_format_json_prints_one_document) {
    Project p;
    p.write_chain({"r1", "r2"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    const RunResult r = p.run({"reset", "--yes", "--format", "json"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(one_json_document_problem(r.out) == "", r);
    BOOST_TEST(contains(r.out, "\"command\":\"reset\""), r);
    BOOST_TEST(contains(r.out, "\"direction\":\"downgrade\""), r);
    BOOST_TEST(contains(r.out, "\"direction\":\"upgrade\""), r);
    BOOST_TEST(contains(r.out, "\"backup\":\"" + p.db() + ".backup-"), r);
}

BOOST_AUTO_TEST_CASE(json_is_valid_utf8_whatever_bytes_a_message_holds) {
    Project p;
    p.write_chain({"r1"});
    // Overlong '/', an encoded surrogate, a code point above U+10FFFF, F8, a cut sequence,
    // and C1 and DEL controls.
    const std::string bad =
        "x\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xf8\x88|\xe2\x82|\xc2\x9b|\x7f";
    const RunResult target = p.run({"upgrade", bad, "--format", "json"});
    BOOST_TEST(target.exit_code == 1, target);
    BOOST_TEST(one_json_document_problem(target.out) == "", target);

    write_file(
        p.dir() + "/0002_r2.up.sql",
        "-- revision: r2\n-- down_revision: r1\n-- message: bytes " + bad + "\n\nSELECT 1;\n");
    write_file(
        p.dir() + "/0002_r2.down.sql",
        "-- revision: r2\n-- down_revision: r1\n-- message: bytes " + bad + "\n\nSELECT 1;\n");
    const RunResult history = p.run({"history", "--format", "json"});
    BOOST_TEST(history.exit_code == 0, history);
    BOOST_TEST(one_json_document_problem(history.out) == "", history);
    BOOST_TEST(contains(history.out, "\"message\":\"bytes x\\ufffd\\ufffd|"), history);
    BOOST_TEST(contains(history.out, "\\u009b|\\u007f\""), history);
}

BOOST_AUTO_TEST_CASE(text_output_escapes_terminal_control_characters) {
    Project p;
    p.write_chain({"r1"});
    const RunResult target = p.run({"upgrade", "\x1b[2Jclear\x1b]0;title\x07"});
    BOOST_TEST(target.exit_code == 1, target);
    BOOST_TEST(!contains(target.err, "\x1b"), target);
    BOOST_TEST(!contains(target.err, "\x07"), target);
    BOOST_TEST(contains(target.err, "\\x1b[2Jclear"), target);

    write_file(p.dir() + "/0002_r2.up.sql",
               "-- revision: r2\n-- down_revision: r1\n-- message: red \x1b[31malert\xc2\x9b\n\n"
               "SELECT 1;\n");
    write_file(p.dir() + "/0002_r2.down.sql",
               "-- revision: r2\n-- down_revision: r1\n-- message: red \x1b[31malert\xc2\x9b\n\n"
               "SELECT 1;\n");
    const RunResult history = p.run({"history"});
    BOOST_TEST(history.exit_code == 0, history);
    BOOST_TEST(!contains(history.out, "\x1b"), history);
    BOOST_TEST(!contains(history.out, "\xc2\x9b"), history);
    BOOST_TEST(contains(history.out, "red \\x1b[31malert"), history);
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(!contains(up.err, "\x1b"), up);
}

BOOST_AUTO_TEST_CASE(a_write_error_on_stdout_exits_non_zero_with_a_message) {
    Project p;
    p.write_chain({"r1", "r2"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    for (const std::string& command :
         {std::string("history"), std::string("current"), std::string("history --format json")}) {
        ProcessOptions options;
        options.argv = {"/bin/sh",
                        "-c",
                        std::string("\"$0\" --db \"$1\" --dir \"$2\" ") + command + " > /dev/full",
                        RUNNER_BINARY,
                        p.db(),
                        p.dir()};
        options.cwd = p.root();
        const RunResult r = run_process(options);
        BOOST_TEST(r.exit_code == 1, command << ": " << r);
        BOOST_TEST(contains(r.err, "runner: error: cannot write to standard output"),
                   command << ": " << r);
    }
}

BOOST_AUTO_TEST_CASE(a_lock_timeout_exits_six_naming_lock_timeout_and_the_holder) {
    Project p;
    p.write_chain({"r1", "r2"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "r1"}).exit_code, 0);
    // Read before locking: closing any descriptor of the file drops this process's locks.
    const std::string before = file_bytes(p.db());
    RunResult r;
    RunResult json;
    {
        const LockHolder holder(p.db(), "BEGIN IMMEDIATE; INSERT INTO t_r1 VALUES (1);");
        r = p.run({"--lock-timeout", "1", "upgrade", "head"});
        json = p.run({"--lock-timeout", "1", "upgrade", "head", "--format", "json"});
    }
    BOOST_TEST(r.exit_code == 6, r);
    BOOST_TEST(contains(r.err, "--lock-timeout"), r);
    BOOST_TEST(contains(r.err, "held by process " + std::to_string(::getpid())), r);
    BOOST_TEST(contains(r.err, "Running upgrade r1 -> r2, 0002_r2 ... not started\n"), r);
    BOOST_TEST(!contains(r.err, "... failed"), r);
    BOOST_TEST(file_bytes(p.db()) == before);

    BOOST_TEST(json.exit_code == 6, json);
    BOOST_TEST(one_json_document_problem(json.out) == "", json);
    BOOST_TEST(contains(json.out, "\"exit_code\":6"), json);
}

BOOST_AUTO_TEST_CASE(waiting_too_long_for_another_runner_exits_six_naming_it) {
    Project p;
    p.write_chain({"r1", "r2"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "r1"}).exit_code, 0);
    // Another writer's whole-command lock on the database file, as runner takes it.
    ProcessOptions holder_options;
    holder_options.argv = {"flock", p.db(), "sleep", "6"};
    holder_options.search_path = true;
    holder_options.cwd = p.root();
    ChildProcess holder(holder_options);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const RunResult r = p.run({"--lock-timeout", "1", "upgrade", "head", "--format", "json"});
    holder.kill_hard();
    holder.wait();
    BOOST_TEST(r.exit_code == 6, r);
    BOOST_TEST(contains(r.err, "--lock-timeout"), r);
    BOOST_TEST(contains(r.err, "held by process " + std::to_string(holder.pid()) + " (flock "), r);
    BOOST_TEST(one_json_document_problem(r.out) == "", r);
    BOOST_TEST(contains(r.out, "\"exit_code\":6"), r);
}

BOOST_AUTO_TEST_CASE(a_lock_timeout_while_reading_exits_six_too) {
    Project p;
    p.write_chain({"r1"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    const LockHolder holder(p.db(), "BEGIN EXCLUSIVE;");
    const RunResult r = p.run({"--lock-timeout", "1", "current"});
    BOOST_TEST(r.exit_code == 6, r);
    BOOST_TEST(contains(r.err, "--lock-timeout"), r);
}

BOOST_AUTO_TEST_CASE(help_documents_exit_code_six) {
    const Project p;
    const RunResult r = p.run({"--help"});
    BOOST_TEST(contains(r.out, "6 timed out waiting for a lock"), r);
}

BOOST_AUTO_TEST_CASE(atomic_progress_lines_say_the_steps_were_rolled_back) {
    Project p;
    p.write_chain({"r1", "r2"});
    write_migration(p.dir(), "0003_bad", "r3", {"r2"}, "INSERT INTO nope VALUES (1);", "SELECT 1;");
    const RunResult r = p.run({"upgrade", "head", "--atomic"});
    BOOST_TEST(r.exit_code == 1, r);
    const auto lines = lines_of(without_timings(r.err));
    BOOST_TEST_REQUIRE(lines.size() >= 5u, r);
    BOOST_TEST(lines[0] == "Running upgrade  -> r1, 0001_r1 (N ms)", r);
    BOOST_TEST(lines[1] == "Running upgrade r1 -> r2, 0002_r2 (N ms)", r);
    BOOST_TEST(lines[2] == "Running upgrade r2 -> r3, 0003_bad ... failed", r);
    BOOST_TEST(lines[3] ==
                   "Rolled back upgrade  -> r1, 0001_r1 (--atomic: undone with the step "
                   "that failed)",
               r);
    BOOST_TEST(lines[4] ==
                   "Rolled back upgrade r1 -> r2, 0002_r2 (--atomic: undone with the "
                   "step that failed)",
               r);
}

BOOST_AUTO_TEST_CASE(the_duration_shown_is_the_duration_stored_commit_included) {
    Project p;
    // Each migration writes some megabytes, so its commit takes measurable time.
    const std::string fill =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
        "INSERT INTO big SELECT randomblob(200) FROM n;";
    write_migration(p.dir(), "0001_a", "a1", {}, "CREATE TABLE big (b);" + fill, "DROP TABLE big;");
    write_migration(p.dir(), "0002_b", "b2", {"a1"}, fill, "DELETE FROM big;");
    write_migration(p.dir(), "0003_c", "c3", {"b2"}, fill, "DELETE FROM big;");
    const RunResult up = p.run({"upgrade", "head"});
    BOOST_REQUIRE_MESSAGE(up.exit_code == 0, up);
    const std::regex shown("Running upgrade [^\\n]*, (\\w+) \\((\\d+) ms\\)");
    std::map<std::string, std::string> shown_ms;
    for (std::sregex_iterator it(up.err.begin(), up.err.end(), shown), end; it != end; ++it) {
        shown_ms[(*it)[1]] = (*it)[2];
    }
    BOOST_TEST_REQUIRE(shown_ms.size() == 3u, up);
    const auto stored =
        query_column(p.db(),
                     "SELECT v.duration_ms || '/' || l.duration_ms FROM runner_version v JOIN "
                     "runner_version_log l ON l.revision = v.revision AND l.action = 'upgrade' "
                     "ORDER BY v.rowid");
    BOOST_TEST(stored == (std::vector<std::string>{shown_ms["0001_a"] + "/" + shown_ms["0001_a"],
                                                   shown_ms["0002_b"] + "/" + shown_ms["0002_b"],
                                                   shown_ms["0003_c"] + "/" + shown_ms["0003_c"]}),
               boost::test_tools::per_element());
    const RunResult history = p.run({"history", "-v"});
    BOOST_TEST(contains(history.out, " in " + shown_ms["0002_b"] + " ms\n"), history);
}

BOOST_AUTO_TEST_CASE(failed_transactional_migrations_are_written_to_the_audit_log) {
    Project p;
    p.write_chain({"r1"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    write_migration(p.dir(), "0002_bad", "r2", {"r1"},
                    "CREATE TABLE two (x);\nINSERT INTO nope VALUES (1);\n", "DROP TABLE two;");
    const RunResult r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(query_column(p.db(),
                            "SELECT action || ': ' || detail FROM runner_version_log "
                            "WHERE revision = 'r2'") ==
                   std::vector<std::string>{"failed: upgrade rolled back: " + p.dir() +
                                            "/0002_bad.up.sql:6: no such table: nope "
                                            "(SQLITE_ERROR)"},
               boost::test_tools::per_element());
    BOOST_TEST(table_names(p.db()) ==
                   (std::vector<std::string>{"runner_version", "runner_version_log", "t_r1"}),
               boost::test_tools::per_element());

    const RunResult atomic = p.run({"upgrade", "head", "--atomic"});
    BOOST_TEST(atomic.exit_code == 1, atomic);
    BOOST_TEST(query_column(p.db(),
                            "SELECT count(*) FROM runner_version_log WHERE revision = "
                            "'r2' AND action = 'failed'") == std::vector<std::string>{"2"});
    const RunResult history = p.run({"history", "-v"});
    BOOST_TEST(contains(history.out, " failed by "), history);
}

BOOST_AUTO_TEST_CASE(history_verbose_limits_the_audit_log_rows_per_revision) {
    Project p;
    p.write_chain({"r1"});
    for (int i = 0; i < 6; ++i) {
        BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
        BOOST_REQUIRE_EQUAL(p.run({"downgrade", "base"}).exit_code, 0);
    }
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    const auto log_lines = [](const std::string& text) {
        int n = 0;
        for (const auto& line : lines_of(text)) {
            n += starts_with(line, "Log: ") && !starts_with(line, "Log: ...") ? 1 : 0;
        }
        return n;
    };
    const RunResult two = p.run({"history", "-v", "--log-limit", "2"});
    BOOST_TEST(two.exit_code == 0, two);
    BOOST_TEST(log_lines(two.out) == 2, two);
    BOOST_TEST(contains(two.out, "Log: ... 11 earlier entries not shown (--log-limit 0 shows all)"),
               two);
    const RunResult fallback = p.run({"history", "-v"});
    BOOST_TEST(log_lines(fallback.out) == 10, fallback);
    const RunResult all = p.run({"history", "-v", "--log-limit", "0"});
    BOOST_TEST(log_lines(all.out) == 13, all);
    const RunResult json = p.run({"history", "--format", "json", "--log-limit", "3"});
    BOOST_TEST(contains(json.out, "\"log_omitted\":10"), json);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
