// Two git branches that each add a migration conflict in HEADS when merged, and the way out
// runner's message recommends works. Uses the real git.
#include <boost/test/unit_test.hpp>

#include "program.hpp"
#include "support.hpp"

namespace runner::integration {
namespace {

// git with no user or system configuration, so the test sees git's defaults everywhere.
const EnvOverrides kGitEnv = {
    {"GIT_CONFIG_NOSYSTEM", "1"},   {"GIT_CONFIG_GLOBAL", "/dev/null"},
    {"GIT_AUTHOR_NAME", "Test"},    {"GIT_AUTHOR_EMAIL", "test@example.com"},
    {"GIT_COMMITTER_NAME", "Test"}, {"GIT_COMMITTER_EMAIL", "test@example.com"},
    {"GIT_TERMINAL_PROMPT", "0"},   {"GIT_EDITOR", "true"},
};

RunResult git(const std::string& repo, std::vector<std::string> args) {
    args.insert(args.begin(), "git");
    return run_program(args, repo, kGitEnv);
}

void git_ok(const std::string& repo, const std::vector<std::string>& args) {
    const RunResult r = git(repo, args);
    BOOST_TEST_REQUIRE(r.exit_code == 0, "git " << args.at(0) << ": " << r);
}

void runner_ok(const std::string& repo, const std::vector<std::string>& args) {
    const RunResult r = run_runner(args, repo);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r);
}

// What the HEADS comment and runner's message tell a person to do with a conflict.
std::string without_conflict_markers(const std::string& text) {
    std::string out;
    for (const auto& line : lines_of(text)) {
        if (!starts_with(line, "<<<<<<<") && !starts_with(line, "=======") &&
            !starts_with(line, ">>>>>>>") && !starts_with(line, "|||||||")) {
            out += line + "\n";
        }
    }
    return out;
}

// Runs the whole story; `base_revisions` migrations exist on main before the branches split.
void two_branches_conflict_and_merge_heads_resolves_it(int base_revisions) {
    TempDir repo;
    git_ok(repo.path(), {"init", "-q", "-b", "main"});
    runner_ok(repo.path(), {"init"});
    for (int i = 0; i < base_revisions; ++i) {
        runner_ok(repo.path(), {"revision", "-m", "base " + std::to_string(i)});
    }
    git_ok(repo.path(), {"add", "-A"});
    git_ok(repo.path(), {"commit", "-q", "-m", "start"});

    git_ok(repo.path(), {"checkout", "-q", "-b", "a"});
    runner_ok(repo.path(), {"revision", "-m", "add orders"});
    git_ok(repo.path(), {"add", "-A"});
    git_ok(repo.path(), {"commit", "-q", "-m", "orders"});
    git_ok(repo.path(), {"checkout", "-q", "main"});
    git_ok(repo.path(), {"checkout", "-q", "-b", "b"});
    runner_ok(repo.path(), {"revision", "-m", "add invoices"});
    git_ok(repo.path(), {"add", "-A"});
    git_ok(repo.path(), {"commit", "-q", "-m", "invoices"});
    git_ok(repo.path(), {"checkout", "-q", "a"});

    const RunResult merge = git(repo.path(), {"merge", "--no-edit", "b"});

    BOOST_TEST(merge.exit_code == 1, merge);
    const RunResult conflicted = git(repo.path(), {"diff", "--name-only", "--diff-filter=U"});
    BOOST_TEST(conflicted.out == "sql/HEADS\n", conflicted);

    // Every command refuses with the conflict's own message instead of "multiple heads",
    // except heads, which people run right then: it lists both, and warns.
    const std::string problem =
        "sql/HEADS has git conflict markers: two merged branches each added a migration on the "
        "same head; keep both revision ids, delete the marker lines, then run 'runner merge "
        "heads -m \"merge ...\"' to join the heads\n";
    const RunResult heads = run_runner({"heads"}, repo.path());
    BOOST_TEST(heads.exit_code == 0, heads);
    BOOST_TEST(lines_of(heads.out).size() == 2u, heads);
    BOOST_TEST(heads.err == "warning: " + problem, heads);
    const RunResult upgrade_refused = run_runner({"upgrade", "head"}, repo.path());
    BOOST_TEST(upgrade_refused.exit_code == 1, upgrade_refused);
    BOOST_TEST(upgrade_refused.err == "runner: error: " + problem, upgrade_refused);

    // Do what it says.
    write_file(repo / "sql/HEADS", without_conflict_markers(file_bytes(repo / "sql/HEADS")));
    const RunResult joined =
        run_runner({"merge", "heads", "-m", "merge orders and invoices"}, repo.path());
    BOOST_TEST(joined.exit_code == 0, joined);
    const std::string number = base_revisions == 0 ? "0002" : "0003";
    BOOST_TEST(joined.out == "sql/" + number + "_merge_orders_and_invoices.up.sql\nsql/" + number +
                                 "_merge_orders_and_invoices.down.sql\n");
    git_ok(repo.path(), {"add", "-A"});
    git_ok(repo.path(), {"commit", "-q", "--no-edit"});

    const RunResult after = run_runner({"heads"}, repo.path());
    BOOST_TEST(after.exit_code == 0, after);
    BOOST_TEST(lines_of(after.out).size() == 1u, after);
    const RunResult upgrade = run_runner({"upgrade", "head"}, repo.path());
    BOOST_TEST(upgrade.exit_code == 0, upgrade);
    BOOST_TEST(contains(upgrade.err, "merge orders and invoices"), upgrade);
    const RunResult status = git(repo.path(), {"status", "--porcelain", "--", "sql"});
    BOOST_TEST(status.out == "", status);
}

BOOST_AUTO_TEST_SUITE(git_conflict)

BOOST_AUTO_TEST_CASE(two_branches_adding_a_migration_to_a_fresh_project_conflict_in_heads) {
    two_branches_conflict_and_merge_heads_resolves_it(0);
}

BOOST_AUTO_TEST_CASE(two_branches_adding_a_migration_on_the_same_head_conflict_in_heads) {
    two_branches_conflict_and_merge_heads_resolves_it(1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
