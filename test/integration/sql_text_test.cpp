// Migration files run exactly as SQLite parses them: CRLF, a UTF-8 BOM, triggers, comments and
// literals with semicolons, statements outside a transaction.
#include <stdexcept>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

const std::string kBom = "\xEF\xBB\xBF";

// The text with every "\n" turned into "\r\n".
std::string crlf(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') {
            out += '\r';
        }
        out += c;
    }
    return out;
}

BOOST_AUTO_TEST_SUITE(sql_text)

BOOST_AUTO_TEST_CASE(crlf_line_endings_and_a_bom_work_for_upgrade_and_downgrade) {
    Project p;
    const std::string header =
        "-- revision: crlf01\n-- down_revision:\n-- message: crlf and bom\n\n";
    write_file(p.dir() + "/0001_crlf.up.sql",
               kBom + crlf(header + "-- a comment line\n"
                                    "CREATE TABLE greeting (\n"
                                    "    id   INTEGER PRIMARY KEY,\n"
                                    "    text TEXT NOT NULL\n"
                                    ");\n"
                                    "INSERT INTO greeting (text) VALUES ('h\xC3\xA9llo\n"
                                    "w\xC3\xB6rld');\n"));
    write_file(p.dir() + "/0001_crlf.down.sql", kBom + crlf(header + "DROP TABLE greeting;\n"));
    write_migration(p.dir(), "0002_lf", "lf02", {"crlf01"}, "CREATE TABLE plain (x);\n",
                    "DROP TABLE plain;\n");

    const RunResult up = p.run({"upgrade", "head"});

    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(without_timings(up.err) ==
               "Running upgrade  -> crlf01, crlf and bom (N ms)\n"
               "Running upgrade crlf01 -> lf02, 0002_lf (N ms)\n");
    // A string literal keeps the file's bytes, CR included.
    BOOST_TEST(query_column(p.db(), "SELECT text FROM greeting") ==
                   std::vector<std::string>{"h\xC3\xA9llo\r\nw\xC3\xB6rld"},
               boost::test_tools::per_element());
    BOOST_TEST(p.run({"history"}).out ==
               "crlf01 -> lf02 (head), 0002_lf\n"
               "<base> -> crlf01, crlf and bom\n");

    const RunResult down = p.run({"downgrade", "base"});

    BOOST_TEST(down.exit_code == 0, down);
    BOOST_TEST(without_timings(down.err) ==
               "Running downgrade lf02 -> crlf01, 0002_lf (N ms)\n"
               "Running downgrade crlf01 -> , crlf and bom (N ms)\n");
    BOOST_TEST(
        table_names(p.db()) == (std::vector<std::string>{"runner_version", "runner_version_log"}),
        boost::test_tools::per_element());
}

// SQLite ends a "--" comment only at LF, so in a file with CR-only (old Mac) line endings the
// header comment swallows every statement: an upgrade would record the migration as applied
// without running it. runner refuses such a file, naming it, in one line, changing nothing.
BOOST_AUTO_TEST_CASE(cr_only_line_endings_are_refused_naming_the_file_and_nothing_changes) {
    Project p;
    write_migration(p.dir(), "0001_lf", "lf01", {}, "CREATE TABLE plain (x);\n",
                    "DROP TABLE plain;\n");
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);
    const std::string header = "-- revision: cr02\r-- down_revision: lf01\r-- message: old mac\r";
    write_file(p.dir() + "/0002_cr.up.sql",
               header + "CREATE TABLE mac (x);\rINSERT INTO mac VALUES (1);\r");
    write_file(p.dir() + "/0002_cr.down.sql", header + "DROP TABLE mac;\r");
    const auto schema = schema_dump(p.db());
    const auto rows = query_column(p.db(), "SELECT revision FROM runner_version");

    const RunResult up = p.run({"upgrade", "head"});

    BOOST_TEST(up.exit_code == 1, up);
    BOOST_TEST(up.err == "runner: error: " + p.dir() +
                             "/0002_cr.up.sql:1: this line ends with a lone CR (old Mac line "
                             "endings), but SQLite ends a '--' comment only at LF, so the SQL "
                             "after it would not run; convert the file to LF or CRLF line "
                             "endings\n",
               up);
    BOOST_TEST(schema_dump(p.db()) == schema, boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version") == rows,
               boost::test_tools::per_element());

    // Converted to CRLF, the same migration runs.
    const auto to_crlf = [](std::string text) {
        for (std::size_t i = 0; (i = text.find('\r', i)) != std::string::npos; i += 2) {
            text.insert(i + 1, "\n");
        }
        return text;
    };
    write_file(p.dir() + "/0002_cr.up.sql",
               to_crlf(header + "CREATE TABLE mac (x);\rINSERT INTO mac VALUES (1);\r"));
    write_file(p.dir() + "/0002_cr.down.sql", to_crlf(header + "DROP TABLE mac;\r"));

    const RunResult again = p.run({"upgrade", "head"});

    BOOST_TEST(again.exit_code == 0, again);
    BOOST_TEST(query_column(p.db(), "SELECT x FROM mac") == std::vector<std::string>{"1"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(crlf_file_with_a_bom_reports_the_right_line_of_a_failing_statement) {
    Project p;
    const std::string header = "-- revision: r1\r\n-- down_revision:\r\n-- message: m\r\n\r\n";
    write_file(
        p.dir() + "/0001_one.up.sql",
        kBom + header + "CREATE TABLE one (x);\r\n\r\nINSERT INTO\r\n  nowhere VALUES (1);\r\n");
    write_file(p.dir() + "/0001_one.down.sql", kBom + header + "DROP TABLE one;\r\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(
        contains(r.err, "runner: error: " + p.dir() + "/0001_one.up.sql:7: no such table: nowhere"),
        r);
    BOOST_TEST(!contains(r.err, "\r"), "a carriage return leaked into the message");
}

BOOST_AUTO_TEST_CASE(crlf_and_lf_versions_of_a_migration_record_the_same_checksum) {
    Project lf;
    Project windows;
    const std::string header = "-- revision: r1\n-- down_revision:\n-- message: m\n\n";
    const std::string body = "CREATE TABLE one (x);   \n\nINSERT INTO one VALUES (1);\n";
    write_file(lf.dir() + "/0001_one.up.sql", header + body);
    write_file(lf.dir() + "/0001_one.down.sql", header + "DROP TABLE one;\n");
    write_file(windows.dir() + "/0001_one.up.sql", kBom + crlf(header + body));
    write_file(windows.dir() + "/0001_one.down.sql", kBom + crlf(header + "DROP TABLE one;\n"));

    BOOST_REQUIRE_EQUAL(lf.run({"upgrade", "head"}).exit_code, 0);
    BOOST_REQUIRE_EQUAL(windows.run({"upgrade", "head"}).exit_code, 0);

    const auto sum = query_column(lf.db(), "SELECT checksum FROM runner_version");
    BOOST_REQUIRE_EQUAL(sum.size(), 1U);
    BOOST_TEST(starts_with(sum[0], "sql-sha256:"), sum[0]);
    BOOST_TEST(query_column(windows.db(), "SELECT checksum FROM runner_version") == sum,
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(triggers_comments_and_semicolons_in_literals_run_as_sqlite_parses_them) {
    Project p;
    const std::string up =
        "/* A block comment; it spans lines;\n"
        "   and has semicolons; */\n"
        "CREATE TABLE notes (\n"
        "    id      INTEGER PRIMARY KEY,\n"
        "    body    TEXT NOT NULL DEFAULT 'a;b', -- a default with a semicolon; and a comment\n"
        "    changed INTEGER NOT NULL DEFAULT 0\n"
        ");\n"
        "CREATE TABLE audit (note_id INTEGER, what TEXT);\n"
        "\n"
        "CREATE TRIGGER notes_audit\n"
        "AFTER UPDATE OF body ON notes\n"
        "FOR EACH ROW\n"
        "BEGIN\n"
        "    -- two statements in the body; each ends with a semicolon\n"
        "    INSERT INTO audit VALUES (NEW.id, 'old=' || OLD.body || ';new=' || NEW.body);\n"
        "    UPDATE notes SET changed = changed + 1 WHERE id = NEW.id;\n"
        "END;\n"
        "\n"
        "CREATE TRIGGER notes_guard BEFORE INSERT ON notes\n"
        "WHEN NEW.body = ''\n"
        "BEGIN\n"
        "    SELECT RAISE(ABORT, 'empty body; it''s not allowed');\n"
        "END;\n"
        "\n"
        "INSERT INTO notes (id, body)\n"
        "     VALUES (1, 'semi;colon ''quoted''; \"double\" -- not a comment');\n"
        "INSERT INTO notes (id) VALUES (2);\n"
        "-- the last statement has no semicolon and no newline\n"
        "INSERT INTO notes (id, body) VALUES (3, 'end;')";
    const std::string down =
        "DROP TRIGGER notes_guard; -- one; two\n"
        "DROP TRIGGER notes_audit;\n"
        "DROP TABLE audit; DROP TABLE notes;\n";
    write_migration(p.dir(), "0001_notes", "notes1", {}, up, down);

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT body FROM notes ORDER BY id") ==
                   (std::vector<std::string>{"semi;colon 'quoted'; \"double\" -- not a comment",
                                             "a;b", "end;"}),
               boost::test_tools::per_element());
    BOOST_TEST(
        query_column(p.db(),
                     "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                     "ORDER BY name") == (std::vector<std::string>{"notes_audit", "notes_guard"}),
        boost::test_tools::per_element());

    // Both triggers work after the migration.
    exec_sql(p.db(), "UPDATE notes SET body = 'x;y' WHERE id = 2");
    BOOST_TEST(query_column(p.db(), "SELECT what FROM audit") ==
                   std::vector<std::string>{"old=a;b;new=x;y"},
               boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(), "SELECT changed FROM notes WHERE id = 2") ==
                   std::vector<std::string>{"1"},
               boost::test_tools::per_element());
    std::string guard_error;
    try {
        exec_sql(p.db(), "INSERT INTO notes (id, body) VALUES (4, '')");
    } catch (const std::runtime_error& e) {
        guard_error = e.what();
    }
    BOOST_TEST(contains(guard_error, "empty body; it's not allowed"), guard_error);

    const RunResult back = p.run({"downgrade", "base"});

    BOOST_TEST(back.exit_code == 0, back);
    BOOST_TEST(
        table_names(p.db()) == (std::vector<std::string>{"runner_version", "runner_version_log"}),
        boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") ==
                   std::vector<std::string>{"0"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(example_trigger_with_a_quoted_semicolon_in_its_message_works_after_upgrade) {
    Project p;
    const RunResult r = run_runner(
        {"--db", p.db(), "--dir", example_sql_dir(), "upgrade", "2983163e0c11"}, p.root());
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r);
    exec_sql(p.db(), "INSERT INTO posts (id, content) VALUES (1, 'hello')");

    std::string guard_error;
    try {
        exec_sql(p.db(), "UPDATE posts SET status = 'scheduled' WHERE id = 1");
    } catch (const std::runtime_error& e) {
        guard_error = e.what();
    }

    BOOST_TEST(contains(guard_error,
                        "posts.scheduled_at is required for status 'scheduled'; set it first"),
               guard_error);
}

BOOST_AUTO_TEST_CASE(non_transactional_migration_runs_vacuum_and_says_so) {
    Project p;
    write_migration(p.dir(), "0001_data", "r1", {},
                    "CREATE TABLE big (x);\nINSERT INTO big VALUES (1), (2), (3);\n",
                    "DROP TABLE big;\n");
    write_migration(p.dir(), "0002_vacuum", "r2", {"r1"}, "VACUUM;\n", "VACUUM;\n",
                    {"transactional: false"});

    const RunResult up = p.run({"upgrade", "head"});

    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(without_timings(up.err) ==
               "Running upgrade  -> r1, 0001_data (N ms)\n"
               "Running upgrade r1 -> r2, 0002_vacuum (non-transactional) (N ms)\n");
    BOOST_TEST(p.run({"current"}).out == "r2 (head)\n");
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version ORDER BY revision") ==
                   (std::vector<std::string>{"r1", "r2"}),
               boost::test_tools::per_element());

    const RunResult down = p.run({"downgrade", "-1"});

    BOOST_TEST(down.exit_code == 0, down);
    BOOST_TEST(without_timings(down.err) ==
               "Running downgrade r2 -> r1, 0002_vacuum (non-transactional) (N ms)\n");
    BOOST_TEST(p.run({"current"}).out == "r1\n");
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM big") == std::vector<std::string>{"3"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(vacuum_in_a_transactional_migration_fails_and_is_not_recorded) {
    Project p;
    write_migration(p.dir(), "0001_data", "r1", {}, "CREATE TABLE big (x);\n", "DROP TABLE big;\n");
    write_migration(p.dir(), "0002_vacuum", "r2", {"r1"}, "VACUUM;\n", "VACUUM;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(
        contains(r.err, "runner: error: " + p.dir() +
                            "/0002_vacuum.up.sql:5: cannot VACUUM from within a transaction"),
        r);
    BOOST_TEST(!contains(r.err, "(non-transactional)"), r);
    BOOST_TEST(p.run({"current"}).out == "r1\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
