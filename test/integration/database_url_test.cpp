// What --db accepts: SQLite URI filenames and their parameters, SQLAlchemy's driver spellings,
// :memory:, a missing file, --no-create, and a version_table that names someone else's table.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "support.hpp"

using namespace runner::integration;

namespace {

// A project upgraded to its head, aaaa00000001 <- bbbb00000002.
struct AtHead {
    Project p;
    AtHead() {
        p.write_chain({"aaaa00000001", "bbbb00000002"});
        const RunResult r = p.run({"upgrade", "head"});
        BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r);
    }
    RunResult run(const std::string& db, const std::vector<std::string>& args) const {
        std::vector<std::string> all{"--db", db, "--dir", p.dir()};
        all.insert(all.end(), args.begin(), args.end());
        return run_runner(all, p.root());
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(database_url)

BOOST_AUTO_TEST_CASE(sqlite_uri_filenames_and_driver_spellings_name_the_same_database) {
    AtHead h;
    for (const std::string& db : std::vector<std::string>{
             "file:test.db", "file:" + h.p.db(), "file://" + h.p.db(), "file:test.db?mode=ro",
             "sqlite:///test.db?mode=ro", "sqlite+pysqlite:///test.db",
             "sqlite+aiosqlite:///test.db", "sqlite:///file:test.db?mode=ro&uri=true",
             "sqlite:///test.db?cache=shared"}) {
        BOOST_TEST_CONTEXT("--db " << db) {
            const RunResult current = h.run(db, {"current"});
            BOOST_TEST(current.exit_code == 0, current);
            BOOST_TEST(current.out == "bbbb00000002 (head)\n", current);
            const RunResult check = h.run(db, {"check"});
            BOOST_TEST(check.exit_code == 0, check);
        }
    }
}

BOOST_AUTO_TEST_CASE(mode_ro_really_is_read_only) {
    AtHead h;
    const auto before = file_bytes(h.p.db());
    for (const std::string& db :
         std::vector<std::string>{"sqlite:///test.db?mode=ro", "file:test.db?mode=ro"}) {
        BOOST_TEST_CONTEXT("--db " << db) {
            const RunResult down = h.run(db, {"downgrade", "-1"});
            BOOST_TEST(down.exit_code == 1, down);
            BOOST_TEST(contains(down.err, "read-only (mode=ro)"), down);
            const RunResult stamp = h.run(db, {"stamp", "aaaa00000001"});
            BOOST_TEST(stamp.exit_code == 1, stamp);
        }
    }
    BOOST_TEST(file_bytes(h.p.db()) == before);
}

BOOST_AUTO_TEST_CASE(unsupported_parameters_are_refused_by_name) {
    AtHead h;
    for (const auto& [db, named] : std::vector<std::pair<std::string, std::string>>{
             {"sqlite:///test.db?timeout=5", "parameter 'timeout'"},
             {"file:test.db?vfs=unix-none", "parameter 'vfs'"},
             {"file:test.db?immutable=1", "parameter 'immutable'"},
             {"sqlite:///test.db?mode=wal", "'mode=wal'"}}) {
        BOOST_TEST_CONTEXT("--db " << db) {
            const RunResult r = h.run(db, {"current"});
            BOOST_TEST(r.exit_code == 1, r);
            BOOST_TEST(contains(r.err, named + " is not supported"), r);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_in_memory_database_is_refused_saying_it_keeps_nothing) {
    Project p;
    p.write_chain({"aaaa00000001"});
    for (const std::string& db :
         std::vector<std::string>{":memory:", "sqlite://",
                                  "sqlite:///:memory:", "file::memory:", "file:x?mode=memory"}) {
        BOOST_TEST_CONTEXT("--db " << db) {
            const RunResult r =
                run_runner({"--db", db, "--dir", p.dir(), "upgrade", "head"}, p.root());
            BOOST_TEST(r.exit_code == 1, r);
            BOOST_TEST(contains(r.err, "keep nothing"), r);
        }
    }
    BOOST_TEST(list_dir(p.root()) == std::vector<std::string>{"sql"});
}

BOOST_AUTO_TEST_CASE(read_only_commands_say_when_there_is_no_database_at_the_path) {
    Project p;
    p.write_chain({"aaaa00000001"});
    const RunResult current = p.run({"current"});
    BOOST_TEST(current.exit_code == 0, current);
    BOOST_TEST(current.out == "", current);
    BOOST_TEST(current.err == "warning: no database at " + p.db() +
                                  ": nothing is applied there (check the path, --db or "
                                  "DATABASE_URL; 'runner upgrade' creates it)\n",
               current);
    const RunResult check = p.run({"check"});
    BOOST_TEST(check.exit_code == 3, check);  // everything is pending
    BOOST_TEST(contains(check.err, "warning: no database at " + p.db()), check);
    const RunResult history = p.run({"history", "-v"});
    BOOST_TEST(contains(history.err, "warning: no database at " + p.db()), history);
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(no_create_makes_upgrade_refuse_a_missing_file) {
    Project p;
    p.write_chain({"aaaa00000001"});
    const RunResult flag = p.run({"upgrade", "head", "--no-create"});
    BOOST_TEST(flag.exit_code == 1, flag);
    BOOST_TEST(contains(flag.err, "no database at " + p.db()), flag);
    const RunResult global =
        run_runner({"--no-create", "--db", p.db(), "--dir", p.dir(), "upgrade", "head"}, p.root());
    BOOST_TEST(global.exit_code == 1, global);
    write_file(p.path("runner.ini"), "db = test.db\ndir = sql\ncreate = false\n");
    const RunResult config = run_runner({"upgrade", "head"}, p.root());
    BOOST_TEST(config.exit_code == 1, config);
    BOOST_TEST(contains(config.err, "no database at test.db"), config);
    BOOST_TEST(!file_exists(p.db()));
    // An existing file is fine.
    exec_sql(p.db(), "CREATE TABLE app (x)");
    const RunResult existing = run_runner({"upgrade", "head"}, p.root());
    BOOST_TEST(existing.exit_code == 0, existing);
}

BOOST_AUTO_TEST_CASE(a_version_table_that_is_not_runners_is_named_with_what_to_do) {
    Project p;
    p.write_chain({"aaaa00000001"});
    exec_sql(p.db(),
             "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
             "INSERT INTO alembic_version VALUES ('1975ea83b712');"
             "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);");
    const auto before = file_bytes(p.db());
    write_file(p.path("alembic.ini"), "db = test.db\ndir = sql\nversion_table = alembic_version\n");
    write_file(p.path("users.ini"), "db = test.db\ndir = sql\nversion_table = users\n");
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"current"}, {"upgrade", "head"}}) {
        std::vector<std::string> with_alembic{"-c", "alembic.ini"};
        with_alembic.insert(with_alembic.end(), command.begin(), command.end());
        std::vector<std::string> with_users{"-c", "users.ini"};
        with_users.insert(with_users.end(), command.begin(), command.end());
        const RunResult a = run_runner(with_alembic, p.root());
        BOOST_TEST(a.exit_code == 1, a);
        BOOST_TEST(lines_of(a.err).size() == 1u, a);
        BOOST_TEST(contains(a.err, "alembic_version' is Alembic's version table"), a);
        BOOST_TEST(!contains(a.err, "no such column"), a);
        const RunResult u = run_runner(with_users, p.root());
        BOOST_TEST(u.exit_code == 1, u);
        BOOST_TEST(contains(u.err,
                            "the table users in test.db is not a runner version table "
                            "(its columns are id, name)"),
                   u);
        BOOST_TEST(!contains(u.err, "SELECT"), u);
    }
    BOOST_TEST(file_bytes(p.db()) == before);
}

BOOST_AUTO_TEST_SUITE_END()
