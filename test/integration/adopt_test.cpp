// `runner adopt`: taking over a database Alembic manages, and what other commands say about one
// that is not adopted yet. The main case compares with Alembic itself (python3-alembic).
#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "program.hpp"
#include "support.hpp"

using namespace runner::integration;

namespace {

// The revision graph, as runner files in sql/ and as an Alembic project in alembic/:
//   r1 -> r2 -> r4 (merge of r2, r3) -> r5        y1 (branch "other") -> y2 (depends_on r3)
//   r1 -> r3 ---^
struct AlembicRev {
    std::string id;
    std::vector<std::string> down;
    std::string label;
    std::string depends_on;
};
const std::vector<AlembicRev> kRevs = {
    {"r1", {}, "", ""},           {"r2", {"r1"}, "", ""}, {"r3", {"r1"}, "", ""},
    {"r4", {"r2", "r3"}, "", ""}, {"r5", {"r4"}, "", ""}, {"y1", {}, "other", ""},
    {"y2", {"y1"}, "", "r3"},
};

const char* const kAlembicTableSql =
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));";

std::string py_tuple(const std::vector<std::string>& items) {
    if (items.empty()) {
        return "None";
    }
    if (items.size() == 1) {
        return "'" + items[0] + "'";
    }
    std::string out = "(";
    for (const auto& i : items) {
        out += "'" + i + "', ";
    }
    return out + ")";
}

// A Python that has Alembic (Debian's python3-alembic lives in /usr/bin/python3), or "".
std::string alembic_python() {
    for (const std::string python : {"/usr/bin/python3", "python3"}) {
        try {
            if (run_program({python, "-c", "import alembic, sqlalchemy"}, ".").exit_code == 0) {
                return python;
            }
        } catch (const std::exception&) {
            // not installed: try the next one
        }
    }
    return "";
}

struct AlembicProject : Project {
    AlembicProject() {
        int n = 0;
        for (const auto& r : kRevs) {
            std::vector<std::string> extra;
            if (!r.label.empty()) {
                extra.push_back("branch_labels: " + r.label);
            }
            if (!r.depends_on.empty()) {
                extra.push_back("depends_on: " + r.depends_on);
            }
            write_migration(dir(), "000" + std::to_string(++n) + "_" + r.id, r.id, r.down,
                            "CREATE TABLE t_" + r.id + " (id INTEGER);\n",
                            "DROP TABLE t_" + r.id + ";\n", extra);
            write_file(
                path("alembic/versions/" + r.id + "_step.py"),
                "revision = '" + r.id + "'\ndown_revision = " + py_tuple(r.down) +
                    "\nbranch_labels = " + (r.label.empty() ? "None" : py_tuple({r.label})) +
                    "\ndepends_on = " + (r.depends_on.empty() ? "None" : py_tuple({r.depends_on})) +
                    "\nfrom alembic import op\n\n\ndef upgrade():\n    op.execute('CREATE "
                    "TABLE t_" +
                    r.id +
                    " (id INTEGER)')\n\n\ndef downgrade():\n    op.execute('DROP "
                    "TABLE t_" +
                    r.id + "')\n");
        }
        write_file(path("alembic.ini"),
                   "[alembic]\nscript_location = alembic\nsqlalchemy.url = sqlite:///test.db\n");
        write_file(path("alembic/env.py"),
                   "from alembic import context\n"
                   "from sqlalchemy import engine_from_config, pool\n"
                   "config = context.config\n"
                   "engine = engine_from_config(config.get_section(config.config_ini_section),\n"
                   "                            prefix='sqlalchemy.', poolclass=pool.NullPool)\n"
                   "with engine.connect() as connection:\n"
                   "    context.configure(connection=connection, target_metadata=None)\n"
                   "    with context.begin_transaction():\n"
                   "        context.run_migrations()\n");
    }

    RunResult alembic(const std::vector<std::string>& args) const {
        std::vector<std::string> argv = {alembic_python(), "-m", "alembic"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_program(argv, root());
    }

    // What Alembic would leave: the tables of `revs` and alembic_version listing `rows`.
    void fake_alembic_at(const std::vector<std::string>& revs,
                         const std::vector<std::string>& rows) const {
        std::string sql = kAlembicTableSql;
        for (const auto& r : revs) {
            sql += "CREATE TABLE t_" + r + " (id INTEGER);";
        }
        for (const auto& r : rows) {
            sql += "INSERT INTO alembic_version VALUES ('" + r + "');";
        }
        exec_sql(db(), sql);
    }
};

std::vector<std::string> sorted_nonblank_lines(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& l : lines_of(text)) {
        if (l.find_first_not_of(" \t") != std::string::npos) {
            out.push_back(l);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> recorded(const AlembicProject& p) {
    auto rows = query_column(p.db(), "SELECT revision FROM runner_version ORDER BY revision");
    return rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(adopt)

BOOST_AUTO_TEST_CASE(adopt_at_a_merge_and_a_depends_on_makes_current_print_what_alembic_prints) {
    if (alembic_python().empty()) {
        BOOST_TEST_MESSAGE("python3 with alembic not found: comparing with Alembic skipped");
        return;
    }
    AlembicProject p;
    const auto a1 = p.alembic({"upgrade", "r4"});
    BOOST_REQUIRE_MESSAGE(a1.exit_code == 0, a1);
    const auto a2 = p.alembic({"upgrade", "y2"});
    BOOST_REQUIRE_MESSAGE(a2.exit_code == 0, a2);
    const auto alembic_current = p.alembic({"current"});
    BOOST_REQUIRE_MESSAGE(alembic_current.exit_code == 0, alembic_current);
    BOOST_TEST(query_column(p.db(), "SELECT version_num FROM alembic_version ORDER BY 1") ==
                   (std::vector<std::string>{"r4", "y2"}),
               boost::test_tools::per_element());
    const auto tables_before = table_names(p.db());

    const auto adopt = p.run({"adopt"});
    BOOST_REQUIRE_MESSAGE(adopt.exit_code == 0, adopt);
    BOOST_TEST(contains(adopt.out, "recorded 6 revisions"), adopt);
    const auto current = p.run({"current"});
    BOOST_REQUIRE_MESSAGE(current.exit_code == 0, current);
    BOOST_TEST(sorted_nonblank_lines(current.out) == sorted_nonblank_lines(alembic_current.out),
               boost::test_tools::per_element());
    BOOST_TEST(current.err.empty(), current);
    // Every applied revision is recorded (ancestors and depends_on), r5 is not; no SQL ran.
    BOOST_TEST(recorded(p) == (std::vector<std::string>{"r1", "r2", "r3", "r4", "y1", "y2"}),
               boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(), "SELECT DISTINCT how FROM runner_version") ==
                   std::vector<std::string>{"adopt"},
               boost::test_tools::per_element());
    // Alembic's table is kept, so Alembic still works on the database.
    auto tables_after = table_names(p.db());
    BOOST_TEST(std::count(tables_after.begin(), tables_after.end(), "alembic_version") == 1);
    BOOST_TEST(sorted_nonblank_lines(p.alembic({"current"}).out) ==
                   sorted_nonblank_lines(alembic_current.out),
               boost::test_tools::per_element());
    // And runner goes on from there: only r5 is pending, then check passes.
    const auto up = p.run({"upgrade", "heads"});
    BOOST_REQUIRE_MESSAGE(up.exit_code == 0, up);
    BOOST_TEST(contains(up.err, "-> r5"), up);
    const auto check = p.run({"check"});
    BOOST_TEST(check.exit_code == 0, check);
    (void)tables_before;
}

BOOST_AUTO_TEST_CASE(adopted_checksums_make_a_later_edit_show_up_as_drift) {
    AlembicProject p;
    p.fake_alembic_at({"r1", "r2"}, {"r2"});
    BOOST_REQUIRE_EQUAL(p.run({"adopt"}).exit_code, 0);
    BOOST_TEST(p.run({"check"}).exit_code == 3);  // r3.. pending
    write_file(p.dir() + "/0002_r2.up.sql",
               migration_header("0002_r2", "r2", {"r1"}) + "CREATE TABLE t_r2 (id TEXT);\n");
    const auto check = p.run({"check"});
    BOOST_TEST(check.exit_code == 4, check);
    BOOST_TEST(contains(check.out, "r2"), check);
}

BOOST_AUTO_TEST_CASE(history_verbose_shows_adopt_in_the_audit_log) {
    AlembicProject p;
    p.fake_alembic_at({"r1", "r2"}, {"r2"});
    BOOST_REQUIRE_EQUAL(p.run({"adopt"}).exit_code, 0);
    const auto history = p.run({"history", "-v"});
    BOOST_REQUIRE_MESSAGE(history.exit_code == 0, history);
    BOOST_TEST(contains(history.out, " UTC adopt"), history);
    BOOST_TEST(contains(history.out, "Applied: adopted from Alembic"), history);
    BOOST_TEST(query_column(p.db(), "SELECT action FROM runner_version_log") ==
                   (std::vector<std::string>{"adopt", "adopt"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(adopt_refuses_when_runner_records_something_else_and_changes_nothing) {
    AlembicProject p;
    p.fake_alembic_at({"r1", "r2"}, {"r2"});
    BOOST_REQUIRE_EQUAL(p.run({"stamp", "r3"}).exit_code, 0);
    const std::string before = file_bytes(p.db());
    const auto adopt = p.run({"adopt"});
    BOOST_TEST(adopt.exit_code == 1, adopt);
    BOOST_TEST(lines_of(adopt.err).size() == 1u, adopt);
    BOOST_TEST(contains(adopt.err, "refusing to adopt"), adopt);
    BOOST_TEST(contains(adopt.err, "r3"), adopt);
    BOOST_TEST(contains(adopt.err, "alembic_version says r2"), adopt);
    BOOST_TEST(file_bytes(p.db()) == before);
}

BOOST_AUTO_TEST_CASE(adopt_refuses_after_runner_went_down_to_base_on_its_own) {
    AlembicProject p;
    p.fake_alembic_at({"r1", "r2"}, {"r2"});
    BOOST_REQUIRE_EQUAL(p.run({"adopt"}).exit_code, 0);
    BOOST_REQUIRE_EQUAL(p.run({"downgrade", "base"}).exit_code, 0);
    const std::string before = file_bytes(p.db());
    const auto adopt = p.run({"adopt"});
    BOOST_TEST(adopt.exit_code == 1, adopt);
    BOOST_TEST(contains(adopt.err, "nothing applied"), adopt);
    BOOST_TEST(file_bytes(p.db()) == before);
    // The kept alembic_version does not make runner think it was never adopted.
    const auto up = p.run({"upgrade", "r2"});
    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(!contains(up.err, "runner adopt"), up);
}

BOOST_AUTO_TEST_CASE(adopting_again_says_so_exits_0_and_changes_nothing) {
    AlembicProject p;
    p.fake_alembic_at({"r1", "r2", "r3", "r4"}, {"r4"});
    BOOST_REQUIRE_EQUAL(p.run({"adopt"}).exit_code, 0);
    const std::string before = file_bytes(p.db());
    const auto again = p.run({"adopt"});
    BOOST_TEST(again.exit_code == 0, again);
    BOOST_TEST(contains(again.out, "nothing to adopt"), again);
    BOOST_TEST(file_bytes(p.db()) == before);
    const auto json = p.run({"adopt", "--format", "json"});
    BOOST_TEST(json.exit_code == 0, json);
    BOOST_TEST(contains(json.out, "\"status\":\"already_adopted\""), json);
}

BOOST_AUTO_TEST_CASE(adopt_of_a_version_num_no_file_declares_says_cant_locate_and_changes_nothing) {
    AlembicProject p;
    p.fake_alembic_at({"r1"}, {"1b932a6a972c"});
    const std::string before = file_bytes(p.db());
    const auto adopt = p.run({"adopt"});
    BOOST_TEST(adopt.exit_code == 1, adopt);
    BOOST_TEST(lines_of(adopt.err).size() == 1u, adopt);
    BOOST_TEST(
        starts_with(adopt.err, "runner: error: Can't locate revision identified by '1b932a6a972c'"),
        adopt);
    BOOST_TEST(contains(adopt.err, "1b932a6a972c_*.py"), adopt);
    BOOST_TEST(contains(adopt.err, "scripts/alembic-import"), adopt);
    BOOST_TEST(file_bytes(p.db()) == before);
}

BOOST_AUTO_TEST_CASE(adopt_with_drop_alembic_table_drops_it_in_the_same_transaction) {
    AlembicProject p;
    p.fake_alembic_at({"r1", "r2"}, {"r2"});
    const auto adopt = p.run({"adopt", "--drop-alembic-table"});
    BOOST_REQUIRE_MESSAGE(adopt.exit_code == 0, adopt);
    const auto tables = table_names(p.db());
    BOOST_TEST(std::count(tables.begin(), tables.end(), "alembic_version") == 0);
    const auto current = p.run({"current"});
    BOOST_TEST(current.out == "r2\n", current);
    BOOST_TEST(current.err.empty(), current);
}

BOOST_AUTO_TEST_CASE(adopt_of_an_empty_alembic_version_says_there_is_nothing_to_adopt) {
    AlembicProject p;
    exec_sql(p.db(), kAlembicTableSql);
    const std::string before = file_bytes(p.db());
    const auto adopt = p.run({"adopt"});
    BOOST_TEST(adopt.exit_code == 0, adopt);
    BOOST_TEST(contains(adopt.out, "nothing to adopt"), adopt);
    BOOST_TEST(file_bytes(p.db()) == before);
}

BOOST_AUTO_TEST_CASE(adopt_refuses_an_alembic_schema_other_than_main_on_sqlite) {
    AlembicProject p;
    p.fake_alembic_at({"r1"}, {"r1"});
    const std::string before = file_bytes(p.db());
    const auto adopt = p.run({"adopt", "--alembic-schema", "public"});
    BOOST_TEST(adopt.exit_code == 2, adopt);
    BOOST_TEST(contains(adopt.err, "PostgreSQL"), adopt);
    BOOST_TEST(file_bytes(p.db()) == before);
    BOOST_TEST(p.run({"adopt", "--alembic-schema", "main"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(commands_on_an_unadopted_alembic_database_name_runner_adopt_in_one_line) {
    AlembicProject p;
    p.fake_alembic_at({"r1", "r2"}, {"r2"});
    const std::string before = file_bytes(p.db());
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"current"}, {"history", "-v"}, {"downgrade", "base"}}) {
        const auto r = p.run(args);
        BOOST_TEST(r.exit_code == 0, r);
        const auto lines = lines_of(r.err);
        BOOST_TEST(std::count_if(lines.begin(), lines.end(),
                                 [](const std::string& l) { return contains(l, "adopt"); }) == 1,
                   r);
        BOOST_TEST(starts_with(r.err, "warning: "), r);
        BOOST_TEST(contains(r.err, "is at Alembic revision(s) r2 (alembic_version)"), r);
        BOOST_TEST(contains(r.err, "'runner adopt'"), r);
    }
    BOOST_TEST(file_bytes(p.db()) == before);
    // check reports it as its own case: exit 1, not "pending" (3).
    const auto check = p.run({"check"});
    BOOST_TEST(check.exit_code == 1, check);
    BOOST_TEST(contains(check.err, "'runner adopt'"), check);
    const auto json = p.run({"check", "--format", "json"});
    BOOST_TEST(json.exit_code == 1, json);
    BOOST_TEST(contains(json.out, "\"status\":\"not_adopted\""), json);
    // stamp says so too, then does what it was asked.
    const auto stamp = p.run({"stamp", "r2"});
    BOOST_TEST(stamp.exit_code == 0, stamp);
    BOOST_TEST(contains(stamp.err, "'runner adopt'"), stamp);
    BOOST_TEST(!contains(p.run({"current"}).err, "runner adopt"));
}

BOOST_AUTO_TEST_CASE(upgrade_refuses_an_unadopted_alembic_database_before_running_anything) {
    AlembicProject p;
    p.fake_alembic_at({"r1", "r2"}, {"r2"});
    const std::string before = file_bytes(p.db());
    for (const std::vector<std::string>& args : {std::vector<std::string>{"upgrade", "head"},
                                                 {"upgrade", "heads", "--sql"},
                                                 {"reset", "--yes"}}) {
        const auto up = p.run(args);
        BOOST_TEST(up.exit_code == 1, up);
        BOOST_TEST(lines_of(up.err).size() == 1u, up);
        BOOST_TEST(starts_with(up.err, "runner: error: "), up);
        BOOST_TEST(contains(up.err, "'runner adopt'"), up);
        BOOST_TEST(!contains(up.err, "already exists"), up);
        BOOST_TEST(up.out.empty(), up);
        BOOST_TEST(file_bytes(p.db()) == before);
    }
}

BOOST_AUTO_TEST_CASE(version_table_alembic_version_is_refused_with_a_pointer_to_adopt) {
    AlembicProject p;
    p.fake_alembic_at({"r1"}, {"r1"});
    write_file(p.path("runner.ini"), "version_table = alembic_version\n");
    const std::string before = file_bytes(p.db());
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"current"}, {"upgrade", "head"}}) {
        const auto r = p.run(args);
        BOOST_TEST(r.exit_code == 1, r);
        BOOST_TEST(lines_of(r.err).size() == 1u, r);
        BOOST_TEST(contains(r.err, "version_table 'alembic_version' is Alembic's"), r);
        BOOST_TEST(contains(r.err, "'runner adopt'"), r);
    }
    BOOST_TEST(file_bytes(p.db()) == before);
}

BOOST_AUTO_TEST_SUITE_END()
