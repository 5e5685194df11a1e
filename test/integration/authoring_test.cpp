// Authoring migrations as a DBA would: init, revision, merge, branch labels, templates, and the
// heads manifest that catches migrations added behind runner's back.
#include <algorithm>
#include <regex>

#include <boost/test/unit_test.hpp>

#include "program.hpp"
#include "support.hpp"

namespace runner::integration {
namespace {

// The value of `-- key:` in a migration file's header ("" when absent).
std::string header_value(const std::string& text, const std::string& key) {
    for (const auto& line : lines_of(text)) {
        const std::string prefix = "-- " + key + ":";
        if (starts_with(line, prefix)) {
            const auto value = line.substr(prefix.size());
            return value.empty() ? value : value.substr(1);
        }
    }
    return "";
}

std::string revision_of(const std::string& path) {
    return header_value(file_bytes(path), "revision");
}

// A project made by `runner init` in a fresh folder; run() works in that folder.
class InitProject {
  public:
    InitProject() {
        const RunResult r = run({"init"});
        BOOST_TEST_REQUIRE(r.exit_code == 0, r);
    }
    std::string root() const { return tmp_.path(); }
    std::string path(std::string_view relative) const { return tmp_ / relative; }
    RunResult run(const std::vector<std::string>& args) const {
        return run_runner(args, tmp_.path());
    }
    // Runs `revision` (or `merge`) and returns the up file it printed, relative to root().
    std::string add(const std::vector<std::string>& args) const {
        const RunResult r = run(args);
        BOOST_TEST_REQUIRE(r.exit_code == 0, r);
        const auto lines = lines_of(r.out);
        BOOST_TEST_REQUIRE(lines.size() == 2u, r);
        return lines[0];
    }
    std::vector<std::string> heads_file_ids() const {
        std::vector<std::string> ids;
        for (const auto& line : lines_of(file_bytes(path("sql/HEADS")))) {
            if (!line.empty() && line[0] != '#') {
                ids.push_back(line);
            }
        }
        return ids;
    }

  private:
    TempDir tmp_;
};

const std::regex kSafeName(R"(\d{4}_[a-z0-9_]{1,40}\.(up|down)\.sql)");

BOOST_AUTO_TEST_SUITE(authoring)

BOOST_AUTO_TEST_CASE(init_writes_the_templates_the_manifest_and_a_commented_config) {
    TempDir tmp;

    const RunResult r = run_runner({"init"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out ==
               "sql/template.up.sql.tmpl\nsql/template.down.sql.tmpl\nsql/HEADS\nrunner.ini\n");
    BOOST_TEST(r.err == "Next: runner revision -m \"what the first migration does\"\n");
    const std::string ini = file_bytes(tmp / "runner.ini");
    BOOST_TEST(contains(ini, "\ndb = app.db\n"), ini);
    BOOST_TEST(contains(ini, "\ndir = sql\n"), ini);
    BOOST_TEST(contains(ini, "${down_revision}"), ini);
    BOOST_TEST(starts_with(file_bytes(tmp / "sql/template.up.sql.tmpl"),
                           "-- revision: ${revision}\n-- down_revision: ${down_revision}\n"));
    BOOST_TEST(starts_with(file_bytes(tmp / "sql/HEADS"), "# "));
    const RunResult heads = run_runner({"heads"}, tmp.path());
    BOOST_TEST(heads.exit_code == 0, heads);
    BOOST_TEST(heads.out == "");
}

BOOST_AUTO_TEST_CASE(init_takes_the_directory_and_database_names) {
    TempDir tmp;

    const RunResult r = run_runner({"init", "--db", "data/app.db", "db/migrations"}, tmp.path());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(file_bytes(tmp / "runner.ini"), "\ndb = data/app.db\n"));
    BOOST_TEST(contains(file_bytes(tmp / "runner.ini"), "\ndir = db/migrations\n"));
    const RunResult rev = run_runner({"revision", "-m", "first"}, tmp.path());
    BOOST_TEST(rev.exit_code == 0, rev);
    BOOST_TEST(starts_with(rev.out, "db/migrations/0001_first.up.sql\n"), rev);
}

BOOST_AUTO_TEST_CASE(init_refuses_a_directory_that_has_files) {
    TempDir tmp;
    write_file(tmp / "sql/0001_old.up.sql", "-- revision: a\n-- down_revision:\n");

    const RunResult r = run_runner({"init"}, tmp.path());

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.err ==
               "runner: error: migrations directory 'sql' already exists and is not empty; init "
               "starts a new project (for an existing one, 'runner heads --refresh' adds the "
               "heads manifest)\n");
    BOOST_TEST(list_dir(tmp.path()) == std::vector<std::string>{"sql"});
}

BOOST_AUTO_TEST_CASE(init_never_overwrites_and_leaves_nothing_behind_when_it_stops) {
    TempDir tmp;
    write_file(tmp / "runner.ini", "db = mine.db\n");

    const RunResult r = run_runner({"init"}, tmp.path());

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.err ==
               "runner: error: runner.ini already exists; runner never overwrites a file, so "
               "nothing was written\n");
    BOOST_TEST(list_dir(tmp.path()) == std::vector<std::string>{"runner.ini"});
    BOOST_TEST(file_bytes(tmp / "runner.ini") == "db = mine.db\n");
}

// The acceptance walk-through: what a new user types, and what they then edit and run.
BOOST_AUTO_TEST_CASE(a_new_user_initialises_branches_merges_upgrades_and_draws_the_graph) {
    InitProject p;
    const std::string users = p.add({"revision", "-m", "create users table"});
    const std::string posts = p.add({"revision", "-m", "create posts table"});
    const std::string tags = p.add({"revision", "-m", "add tags"});
    const std::string first = revision_of(p.path(users));
    const std::string side = p.add(
        {"revision", "-m", "audit log", "--head", first, "--splice", "--branch-label", "side"});
    const RunResult heads = p.run({"heads"});
    BOOST_TEST(heads.exit_code == 0, heads);
    BOOST_TEST(lines_of(heads.out).size() == 2u, heads);
    const std::string merge = p.add({"merge", "heads", "-m", "merge audit log"});

    BOOST_TEST(users == "sql/0001_create_users_table.up.sql");
    BOOST_TEST(posts == "sql/0002_create_posts_table.up.sql");
    BOOST_TEST(tags == "sql/0003_add_tags.up.sql");
    BOOST_TEST(side == "sql/0004_audit_log.up.sql");
    BOOST_TEST(merge == "sql/0005_merge_audit_log.up.sql");
    const std::string up = file_bytes(p.path(side));
    BOOST_TEST(std::regex_match(revision_of(p.path(side)), std::regex("[0-9a-f]{12}")));
    BOOST_TEST(header_value(up, "down_revision") == first);
    BOOST_TEST(header_value(up, "branch_labels") == "side");
    BOOST_TEST(header_value(up, "message") == "audit log");
    BOOST_TEST(std::regex_match(header_value(up, "create_date"),
                                std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")));
    BOOST_TEST(header_value(file_bytes(p.path(merge)), "down_revision") ==
               revision_of(p.path(tags)) + ", " + revision_of(p.path(side)));
    BOOST_TEST(p.heads_file_ids() == std::vector<std::string>{revision_of(p.path(merge))});

    // The DBA writes the SQL into the files runner made.
    for (const auto& [file, table] : std::vector<std::pair<std::string, std::string>>{
             {users, "users"}, {posts, "posts"}, {tags, "tags"}, {side, "audit_log"}}) {
        std::string down = file;
        down.replace(down.size() - 7, 7, ".down.sql");
        write_file(p.path(file), file_bytes(p.path(file)) + "CREATE TABLE " + table + " (x);\n");
        write_file(p.path(down), file_bytes(p.path(down)) + "DROP TABLE " + table + ";\n");
    }
    const RunResult upgrade = p.run({"upgrade", "head"});
    BOOST_TEST(upgrade.exit_code == 0, upgrade);
    BOOST_TEST(std::count(upgrade.err.begin(), upgrade.err.end(), '\n') == 5, upgrade);
    const auto tables = table_names(p.path("app.db"));
    for (const std::string t : {"audit_log", "posts", "tags", "users"}) {
        BOOST_TEST((std::find(tables.begin(), tables.end(), t) != tables.end()), t);
    }
    const RunResult history = p.run({"history", "--verbose"});
    BOOST_TEST(history.exit_code == 0, history);
    for (const std::string m :
         {"create users table", "create posts table", "add tags", "audit log", "merge audit log"}) {
        BOOST_TEST(contains(history.out, "    " + m + "\n"), m);
    }
    BOOST_TEST(contains(history.out, "Path: sql/0004_audit_log.up.sql\n"), history);
    const RunResult graph = p.run({"graph"});
    BOOST_TEST(graph.exit_code == 0, graph);
    const RunResult svg = run_program({"dot", "-Tsvg"}, p.root(), {}, graph.out);
    BOOST_TEST(svg.exit_code == 0, svg);
    BOOST_TEST(contains(svg.out, "<svg"));
    BOOST_TEST(contains(svg.out, "audit log"));
}

BOOST_AUTO_TEST_CASE(hostile_messages_give_safe_file_names_and_keep_the_message) {
    const std::vector<std::string> messages = {
        "../../etc/x",         "it's \"quoted\" `x`",     "a/b\\c/../d", "party 🎉 time",
        std::string(300, 'm'), "first line\nsecond line", "/",           ".hidden",
    };
    InitProject p;
    for (const auto& message : messages) {
        BOOST_TEST_CONTEXT("message '" << message << "'") {
            const RunResult r = p.run({"revision", "-m", message});
            BOOST_TEST(r.exit_code == 0, r);
            for (const auto& path : lines_of(r.out)) {
                BOOST_TEST(starts_with(path, "sql/"), path);
                const std::string name = path.substr(4);
                BOOST_TEST(std::regex_match(name, kSafeName), name);
                BOOST_TEST(file_exists(p.path(path)));
            }
            std::string expected = message;
            std::replace(expected.begin(), expected.end(), '\n', ' ');
            BOOST_TEST(header_value(file_bytes(p.path(lines_of(r.out).at(0))), "message") ==
                       expected);
        }
    }
    BOOST_TEST(list_dir(p.root()) == (std::vector<std::string>{"runner.ini", "sql"}));
    const RunResult history = p.run({"history"});
    BOOST_TEST(history.exit_code == 0, history);
    BOOST_TEST(contains(history.out, ", ../../etc/x\n"), history);
    BOOST_TEST(contains(history.out, ", party 🎉 time\n"), history);
    BOOST_TEST(contains(history.out, ", first line second line\n"), history);
}

BOOST_AUTO_TEST_CASE(revision_in_a_project_without_init_uses_the_built_in_templates) {
    Project plain;
    plain.write_chain({"aaaa1111"});
    InitProject made;
    made.add({"revision", "-m", "first", "--rev-id", "aaaa1111"});

    const RunResult a = plain.run({"revision", "-m", "Second one", "--rev-id", "bbbb2222"});
    const RunResult b = made.run({"revision", "-m", "Second one", "--rev-id", "bbbb2222"});

    BOOST_TEST(a.exit_code == 0, a);
    BOOST_TEST(b.exit_code == 0, b);
    BOOST_TEST(a.out == plain.dir() + "/0002_second_one.up.sql\n" + plain.dir() +
                            "/0002_second_one.down.sql\n");
    const auto without_date = [](const std::string& text) {
        return std::regex_replace(text, std::regex("-- create_date: [^\n]*\n"), "");
    };
    for (const std::string suffix : {".up.sql", ".down.sql"}) {
        BOOST_TEST(without_date(file_bytes(plain.dir() + "/0002_second_one" + suffix)) ==
                   without_date(file_bytes(made.path("sql/0002_second_one" + suffix))));
    }
    BOOST_TEST(!file_exists(plain.dir() + "/HEADS"));  // projects without a manifest get none
}

BOOST_AUTO_TEST_CASE(an_edited_template_shapes_new_files) {
    InitProject p;
    write_file(p.path("sql/template.up.sql.tmpl"),
               "-- revision: ${revision}\n-- down_revision: ${down_revision}\n"
               "-- message: ${message}\n-- branch_labels: ${branch_labels}\n\n"
               "-- See the ticket in the tracker.\nPRAGMA foreign_keys;\n");

    const std::string up = p.add({"revision", "-m", "custom"});

    const std::string text = file_bytes(p.path(up));
    BOOST_TEST(text == "-- revision: " + revision_of(p.path(up)) +
                           "\n-- down_revision:\n-- message: custom\n\n"
                           "-- See the ticket in the tracker.\nPRAGMA foreign_keys;\n");
}

BOOST_AUTO_TEST_CASE(a_template_that_breaks_the_header_writes_nothing) {
    InitProject p;
    write_file(p.path("sql/template.down.sql.tmpl"), "-- revision: ${revision}\n\nSELECT 1;\n");
    const auto before = list_dir(p.path("sql"));

    const RunResult r = p.run({"revision", "-m", "x", "--rev-id", "abc"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.err ==
               "runner: error: sql/template.down.sql.tmpl does not render a valid migration "
               "header (sql/0001_x.down.sql:3: header has no 'down_revision' line (leave its "
               "value empty for a root)); nothing was written\n");
    BOOST_TEST(list_dir(p.path("sql")) == before);
}

BOOST_AUTO_TEST_CASE(several_heads_without_head_are_refused_before_writing) {
    InitProject p;
    p.add({"revision", "-m", "root", "--rev-id", "aaaa1111"});
    p.add({"revision", "-m", "left", "--rev-id", "bbbb2222"});
    p.add({"revision", "-m", "right", "--rev-id", "cccc3333", "--head", "aaaa1111", "--splice",
           "--branch-label", "right"});
    const auto before = list_dir(p.path("sql"));

    const RunResult r = p.run({"revision", "-m", "x"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.err ==
               "runner: error: Multiple heads are present (bbbb2222; cccc3333 (right)); please "
               "choose the head the new revision builds on with --head REV or --head "
               "LABEL@head, or join them first with 'runner merge heads -m MESSAGE'\n");
    BOOST_TEST(list_dir(p.path("sql")) == before);
    BOOST_TEST(p.run({"revision", "-m", "x", "--head", "right@head"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(head_on_a_non_head_without_splice_is_refused_before_writing) {
    InitProject p;
    p.add({"revision", "-m", "root", "--rev-id", "aaaa1111"});
    p.add({"revision", "-m", "next", "--rev-id", "bbbb2222"});
    const auto before = list_dir(p.path("sql"));

    const RunResult r = p.run({"revision", "-m", "x", "--head", "aaaa"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.err ==
               "runner: error: Revision aaaa1111 is not a head revision; please specify "
               "--splice to create a new branch from this revision\n");
    BOOST_TEST(list_dir(p.path("sql")) == before);
}

BOOST_AUTO_TEST_CASE(a_duplicate_label_or_id_is_refused_before_any_file_is_written) {
    InitProject p;
    p.add({"revision", "-m", "audit", "--rev-id", "aaaa1111", "--branch-label", "audit"});
    const auto before = list_dir(p.path("sql"));
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--branch-label", "audit"},
         "--branch-label 'audit' is already used: it is a branch label of revision aaaa1111 "
         "(sql/0001_audit.up.sql)"},
        {{"--rev-id", "aaaa1111"},
         "--rev-id 'aaaa1111' is already used: it is the revision of sql/0001_audit.up.sql"},
        {{"--rev-id", "audit"},
         "--rev-id 'audit' is already used: it is a branch label of revision aaaa1111 "
         "(sql/0001_audit.up.sql)"},
        {{"--rev-id", "abc-123"},
         "--rev-id 'abc-123' may contain only letters, digits and '_' ('@', '+', '-', ':' have "
         "meanings in targets)"},
    };
    for (const auto& [extra, message] : cases) {
        std::vector<std::string> args = {"revision", "-m", "dup"};
        args.insert(args.end(), extra.begin(), extra.end());

        const RunResult r = p.run(args);

        BOOST_TEST(r.exit_code == 1, r);
        BOOST_TEST(r.err == "runner: error: " + message + "\n");
        BOOST_TEST(list_dir(p.path("sql")) == before);
    }
    // Unlike Alembic, nothing was left behind to break later commands.
    BOOST_TEST(p.run({"heads"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(depends_on_resolves_prefixes_and_keeps_labels) {
    InitProject p;
    p.add({"revision", "-m", "a", "--rev-id", "aaaa1111"});
    p.add({"revision", "-m", "audit", "--rev-id", "bbbb2222", "--head", "base", "--branch-label",
           "audit"});

    const std::string up = p.add({"revision", "-m", "c", "--head", "aaaa1111", "--depends-on",
                                  "bbbb", "--depends-on", "audit,aaaa1111"});

    BOOST_TEST(header_value(file_bytes(p.path(up)), "depends_on") == "bbbb2222, audit, aaaa1111");
    BOOST_TEST(p.run({"history"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(merge_refuses_a_single_or_duplicate_parent) {
    InitProject p;
    p.add({"revision", "-m", "a", "--rev-id", "aaaa1111"});
    p.add({"revision", "-m", "b", "--rev-id", "bbbb2222"});
    const auto before = list_dir(p.path("sql"));

    const RunResult single = p.run({"merge", "-m", "m"});
    const RunResult duplicate = p.run({"merge", "-m", "m", "bbbb2222", "bbbb"});

    BOOST_TEST(single.exit_code == 1, single);
    BOOST_TEST(single.err ==
               "runner: error: a merge joins two or more revisions, but 'heads' names only "
               "bbbb2222; nothing to merge\n");
    BOOST_TEST(duplicate.exit_code == 1, duplicate);
    BOOST_TEST(duplicate.err ==
               "runner: error: Duplicate head revisions specified: bbbb2222 is named more than "
               "once; a merge joins different revisions\n");
    BOOST_TEST(list_dir(p.path("sql")) == before);
}

BOOST_AUTO_TEST_CASE(help_lists_the_authoring_commands) {
    TempDir tmp;

    const RunResult r = run_runner({"--help"}, tmp.path());

    for (const std::string command : {"init", "revision", "merge"}) {
        BOOST_TEST(contains(r.out, "\n  " + command + " "), command);
    }
}

BOOST_AUTO_TEST_CASE(message_is_required) {
    InitProject p;

    const RunResult r = p.run({"revision"});

    BOOST_TEST(r.exit_code == 2, r);
    BOOST_TEST(starts_with(r.err,
                           "runner: error: missing argument MESSAGE\nusage: runner "
                           "revision -m MESSAGE"),
               r);
}

BOOST_AUTO_TEST_CASE(a_migration_added_by_hand_is_reported_until_heads_are_refreshed) {
    InitProject p;
    p.add({"revision", "-m", "a", "--rev-id", "aaaa1111"});
    write_migration(p.path("sql"), "0002_by_hand", "bbbb2222", {"aaaa1111"}, "", "");
    const std::string expected =
        "runner: error: sql/HEADS lists head aaaa1111, but the migration files have head "
        "bbbb2222: probably a migration was added, removed or edited without 'runner "
        "revision'; if the files are as intended, run 'runner heads --refresh'\n";

    for (const std::vector<std::string>& args : {std::vector<std::string>{"heads"},
                                                 {"upgrade", "head"},
                                                 {"history"},
                                                 {"graph"},
                                                 {"revision", "-m", "c"}}) {
        const RunResult r = p.run(args);
        BOOST_TEST(r.exit_code == 1, r);
        BOOST_TEST(r.err == expected, args[0]);
    }
    BOOST_TEST(!file_exists(p.path("app.db")));

    const RunResult refresh = p.run({"heads", "--refresh"});

    BOOST_TEST(refresh.exit_code == 0, refresh);
    BOOST_TEST(refresh.out == "bbbb2222 (head)\n");
    BOOST_TEST(refresh.err == "Rewrote sql/HEADS\n");
    BOOST_TEST(p.heads_file_ids() == std::vector<std::string>{"bbbb2222"});
    BOOST_TEST(p.run({"upgrade", "head"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(heads_refresh_adds_a_manifest_to_an_existing_project) {
    Project p;
    p.write_chain({"aaaa1111", "bbbb2222"});

    const RunResult refresh = p.run({"heads", "--refresh"});

    BOOST_TEST(refresh.exit_code == 0, refresh);
    BOOST_TEST(refresh.err == "Created " + p.dir() + "/HEADS\n");
    const RunResult next = p.run({"revision", "-m", "c", "--rev-id", "cccc3333"});
    BOOST_TEST(next.exit_code == 0, next);
    BOOST_TEST(contains(file_bytes(p.dir() + "/HEADS"), "\ncccc3333\n"));
    write_migration(p.dir(), "0004_by_hand", "dddd4444", {"bbbb2222"}, "", "");
    const RunResult heads = p.run({"heads"});
    BOOST_TEST(heads.exit_code == 1, heads);
    BOOST_TEST(contains(heads.err,
                        "HEADS lists head cccc3333, but the migration files have "
                        "heads cccc3333, dddd4444: probably a git merge"),
               heads);
}

BOOST_AUTO_TEST_CASE(merge_heads_repairs_a_manifest_that_misses_a_head) {
    InitProject p;
    p.add({"revision", "-m", "a", "--rev-id", "aaaa1111"});
    p.add({"revision", "-m", "b", "--rev-id", "bbbb2222"});
    write_migration(p.path("sql"), "0003_by_hand", "cccc3333", {"aaaa1111"}, "", "");
    BOOST_TEST(p.run({"heads"}).exit_code == 1);

    const RunResult merge = p.run({"merge", "heads", "-m", "join", "--rev-id", "dddd4444"});

    BOOST_TEST(merge.exit_code == 0, merge);
    BOOST_TEST(merge.out == "sql/0004_join.up.sql\nsql/0004_join.down.sql\n");
    BOOST_TEST(p.heads_file_ids() == std::vector<std::string>{"dddd4444"});
    BOOST_TEST(p.run({"heads"}).out == "dddd4444 (head)\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
