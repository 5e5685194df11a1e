// "Ambiguous walk" tells people where the graph branches and what to type instead, and every
// command it suggests works. On the repository's example: c143 branches into chat (3d8c) and
// oauth (79af), which 439a merges.
#include <regex>
#include <set>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

constexpr const char* kSessions = "83db9e6fae30";
constexpr const char* kBranchPoint = "c143ef205bf8";
constexpr const char* kChat = "3d8cb6574373";
constexpr const char* kOauth = "79af062be5ee";
constexpr const char* kMerge = "439a7d3ce21a";

RunResult run_example(const Project& p, const std::vector<std::string>& args) {
    std::vector<std::string> all{"--db", p.db(), "--dir", example_sql_dir()};
    all.insert(all.end(), args.begin(), args.end());
    return run_runner(all, p.root());
}

// The commands quoted in the message as 'runner ...', split into words.
std::vector<std::vector<std::string>> suggestions(const std::string& message) {
    std::vector<std::vector<std::string>> out;
    static const std::regex quoted("'runner ([^']*)'");
    for (std::sregex_iterator it(message.begin(), message.end(), quoted), end; it != end; ++it) {
        std::vector<std::string> words;
        std::string word;
        for (const char c : (*it)[1].str()) {
            if (c == ' ') {
                words.push_back(word);
                word.clear();
            } else {
                word += c;
            }
        }
        words.push_back(word);
        out.push_back(words);
    }
    return out;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        out += (out.empty() ? "" : " ") + w;
    }
    return out;
}

// Runs every suggested command on a fresh database brought to `setup` first; each must succeed
// and run something. Returns `current` after each, so callers can see both branches offered.
std::set<std::string> outcomes_of_suggestions(const std::string& message,
                                              const std::vector<std::string>& setup) {
    std::set<std::string> outcomes;
    const auto all = suggestions(message);
    BOOST_TEST(all.size() >= 2u, message);
    for (const auto& words : all) {
        Project p;
        BOOST_REQUIRE_EQUAL(run_example(p, setup).exit_code, 0);
        const RunResult r = run_example(p, words);
        BOOST_TEST(r.exit_code == 0, "'runner " << joined(words) << "' suggested by\n"
                                                << message << "\n"
                                                << r);
        BOOST_TEST(contains(r.err, "Running "), r);
        outcomes.insert(run_example(p, {"current"}).out);
    }
    return outcomes;
}

BOOST_AUTO_TEST_SUITE(ambiguous_walk_message)

BOOST_AUTO_TEST_CASE(going_up_at_a_branch_point_names_it_its_branches_and_working_commands) {
    Project p;
    BOOST_REQUIRE_EQUAL(run_example(p, {"upgrade", kBranchPoint}).exit_code, 0);

    const RunResult r = run_example(p, {"upgrade", "+1"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(starts_with(r.err, "runner: error: Ambiguous walk"), r);
    BOOST_TEST(lines_of(r.err).size() == 1u, r);
    BOOST_TEST(contains(r.err, std::string(kBranchPoint) +
                                   " (create posts table with draft/scheduled/posted/failed "
                                   "lifecycle)"),
               r);
    BOOST_TEST(contains(r.err, std::string(kChat) + " (chat)"), r);
    BOOST_TEST(contains(r.err, std::string(kOauth) + " (oauth)"), r);
    BOOST_TEST(contains(r.err, "'runner upgrade chat@+1'"), r);
    BOOST_TEST(contains(r.err, "'runner upgrade oauth@+1'"), r);
    BOOST_TEST(query_column(p.db(), "SELECT revision FROM runner_version ORDER BY revision") ==
                   (std::vector<std::string>{"2db36e5c7255", kSessions, kBranchPoint}),
               boost::test_tools::per_element());

    const auto outcomes = outcomes_of_suggestions(r.err, {"upgrade", kBranchPoint});
    BOOST_TEST(outcomes.count(std::string(kChat) + "\n") == 1u);
    BOOST_TEST(outcomes.count(std::string(kOauth) + "\n") == 1u);
}

BOOST_AUTO_TEST_CASE(a_walk_from_a_named_revision_gets_suggestions_for_that_revision) {
    Project p;

    const RunResult r = run_example(p, {"upgrade", "83db+2"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(starts_with(r.err, "runner: error: Ambiguous walk"), r);
    BOOST_TEST(contains(r.err, kBranchPoint), r);
    BOOST_TEST(contains(r.err, "'runner upgrade chat@83db+2'"), r);
    BOOST_TEST(contains(r.err, std::string("'runner upgrade ") + kOauth + "'"), r);
    const bool nothing_ran =
        !file_exists(p.db()) ||
        query_column(p.db(), "SELECT count(*) FROM sqlite_master WHERE name = 'users'") ==
            std::vector<std::string>{"0"};
    BOOST_TEST(nothing_ran);

    const auto outcomes = outcomes_of_suggestions(r.err, {"upgrade", kSessions});
    BOOST_TEST(outcomes.count(std::string(kChat) + "\n") == 1u);
    BOOST_TEST(outcomes.count(std::string(kOauth) + "\n") == 1u);
}

BOOST_AUTO_TEST_CASE(going_down_at_a_merge_point_names_it_its_parents_and_working_commands) {
    Project p;
    BOOST_REQUIRE_EQUAL(run_example(p, {"upgrade", "head"}).exit_code, 0);

    const RunResult r = run_example(p, {"downgrade", "-4"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(starts_with(r.err, "runner: error: Ambiguous walk"), r);
    BOOST_TEST(lines_of(r.err).size() == 1u, r);
    BOOST_TEST(contains(r.err, std::string(kMerge) + " (merge chat and oauth branches)"), r);
    BOOST_TEST(contains(r.err, std::string(kChat) + " (chat)"), r);
    BOOST_TEST(contains(r.err, std::string(kOauth) + " (oauth)"), r);
    BOOST_TEST(contains(r.err, std::string("'runner downgrade ") + kChat + "'"), r);
    BOOST_TEST(contains(r.err, std::string("'runner downgrade ") + kOauth + "'"), r);
    BOOST_TEST(run_example(p, {"current"}).out == "28811d8b1b93 (head)\n");

    // Going down to either parent undoes the merge and what is above it, and keeps both parents.
    for (const auto& current : outcomes_of_suggestions(r.err, {"upgrade", "head"})) {
        BOOST_TEST(!contains(current, kMerge), current);
        BOOST_TEST(contains(current, kChat), current);
        BOOST_TEST(contains(current, kOauth), current);
    }
}

BOOST_AUTO_TEST_CASE(downgrade_minus_one_from_two_heads_names_them_and_working_commands) {
    Project p;
    BOOST_REQUIRE_EQUAL(run_example(p, {"upgrade", kChat}).exit_code, 0);
    BOOST_REQUIRE_EQUAL(run_example(p, {"upgrade", kOauth}).exit_code, 0);

    const RunResult r = run_example(p, {"downgrade", "-1"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "ambiguous"), r);
    BOOST_TEST(contains(r.err, std::string(kChat) +
                                   " (create chat_messages table for the AI writing assistant)"),
               r);
    BOOST_TEST(contains(r.err, std::string(kOauth) +
                                   " (create oauth_tokens table for publishing platforms)"),
               r);

    // Setting up with `upgrade heads` would apply the merge: bring the branches up one by one.
    std::set<std::string> outcomes;
    for (const auto& words : suggestions(r.err)) {
        Project q;
        BOOST_REQUIRE_EQUAL(run_example(q, {"upgrade", kChat}).exit_code, 0);
        BOOST_REQUIRE_EQUAL(run_example(q, {"upgrade", kOauth}).exit_code, 0);
        const RunResult step = run_example(q, words);
        BOOST_TEST(step.exit_code == 0, joined(words) << "\n" << step);
        outcomes.insert(run_example(q, {"current"}).out);
    }
    // Each walks down its own branch only.
    BOOST_TEST(
        outcomes == (std::set<std::string>{std::string(kChat) + "\n", std::string(kOauth) + "\n"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(json_output_carries_the_same_explanation) {
    Project p;
    BOOST_REQUIRE_EQUAL(run_example(p, {"upgrade", kBranchPoint}).exit_code, 0);

    const RunResult r = run_example(p, {"upgrade", "+1", "--format", "json"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.out, "Ambiguous walk"), r);
    BOOST_TEST(contains(r.out, "'runner upgrade chat@+1'"), r);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
