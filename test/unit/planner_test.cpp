// Tests of upgrade, downgrade, stamp and history planning on graphs built in memory, checked
// against the Alembic 1.8.1 transcripts of the reference project (alembic.md t5, t6, t12, t13,
// t20, t21) and against RevisionMap run on the same graphs.
#include "plan/planner.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "test_graphs.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

using test::error_of;
using test::make_graph;
using test::reference_graph;
using test::reference_graph_without_audit;

// The reference ids are unique in their first four characters; plans are shown that way.
std::string short_id(const RevisionGraph& g, Rev r) {
    return g.id(r).substr(0, 4);
}

std::string names(const RevisionGraph& g, const std::vector<Rev>& list) {
    std::vector<std::string> out;
    for (const Rev r : list) {
        out.push_back(short_id(g, r));
    }
    return join(out, " ");
}

// The revision whose id starts with `prefix`; the test graphs keep these unique.
Rev by_prefix(const RevisionGraph& g, std::string_view prefix) {
    std::vector<Rev> found;
    for (Rev r = 0; r < g.size(); ++r) {
        if (g.id(r).compare(0, prefix.size(), prefix) == 0) {
            found.push_back(r);
        }
    }
    BOOST_TEST_REQUIRE(found.size() == 1u, "prefix " << prefix << " is not unique in the graph");
    return found.front();
}

std::vector<Rev> list_of(const RevisionGraph& g, std::string_view words) {
    std::vector<Rev> out;
    std::istringstream in{std::string(words)};
    for (std::string w; in >> w;) {
        out.push_back(by_prefix(g, w));
    }
    return out;
}

// The database state after applying `applied` (space-separated id prefixes) and their ancestors.
VersionState at(const RevisionGraph& g, std::string_view applied) {
    return state_from_applied(g, list_of(g, applied));
}

std::string upgrade(const RevisionGraph& g, std::string_view applied, std::string_view target) {
    std::string out;
    const auto e = error_of([&] { out = names(g, plan_upgrade(g, at(g, applied), target)); });
    return e == "no error" ? out : e;
}

std::string downgrade(const RevisionGraph& g, std::string_view applied, std::string_view target) {
    std::string out;
    const auto e =
        error_of([&] { out = names(g, plan_downgrade(g, at(g, applied), target).steps); });
    return e == "no error" ? out : e;
}

// The rows after a stamp, sorted, as `select * from alembic_version` shows them.
std::string stamp(const RevisionGraph& g, std::string_view rows,
                  const std::vector<std::string>& targets) {
    std::string out;
    const auto e = error_of([&] {
        auto after = plan_stamp(g, list_of(g, rows), targets);
        std::sort(after.begin(), after.end(), [&](Rev a, Rev b) { return g.id(a) < g.id(b); });
        out = names(g, after);
    });
    return e == "no error" ? out : e;
}

std::string history(const RevisionGraph& g, std::string_view rows, std::string_view lower,
                    std::string_view upper) {
    std::string out;
    const auto e =
        error_of([&] { out = names(g, history_range(g, list_of(g, rows), lower, upper)); });
    return e == "no error" ? out : e;
}

std::vector<Rev> members(const RevSet& set) {
    std::vector<Rev> out;
    for (Rev r = 0; r < set.size(); ++r) {
        if (set[r]) {
            out.push_back(r);
        }
    }
    return out;
}

// The same words sorted, for plans whose order among independent lanes is not pinned down.
// Errors (which contain a colon) are left as they are.
std::string as_set(std::string text) {
    if (text.find(':') != std::string::npos) {
        return text;
    }
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string w; in >> w;) {
        words.push_back(w);
    }
    std::sort(words.begin(), words.end());
    return join(words, " ");
}

// True when every revision in `order` comes after each of its normalised parents in `order`.
bool parents_come_first(const RevisionGraph& g, const std::vector<Rev>& order) {
    constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);
    std::vector<std::size_t> position(g.size(), kAbsent);
    for (std::size_t i = 0; i < order.size(); ++i) {
        position[order[i]] = i;
    }
    for (std::size_t i = 0; i < order.size(); ++i) {
        for (const Rev p : g.normalized_parents(order[i])) {
            if (position[p] != kAbsent && position[p] > i) {
                return false;
            }
        }
    }
    return true;
}

struct PlanCase {
    std::string_view applied;
    std::string_view target;
    std::string expected;
};

const std::string kAmbiguousWalk = "ambiguous walk: Ambiguous walk";

}  // namespace

BOOST_AUTO_TEST_SUITE(planner)

BOOST_AUTO_TEST_CASE(state_rows_are_the_applied_heads_sorted_by_id) {
    const auto g = reference_graph();
    const auto two = state_from_applied(g, list_of(g, "7db9 7d4e"));
    BOOST_TEST(names(g, two.rows) == "7d4e 7db9");
    BOOST_TEST(as_set(names(g, members(two.applied))) == "3f1c 7d4e 7db9");
    // t13: the dependency 7d4e is applied but has no row of its own.
    const auto audit = state_from_applied(g, list_of(g, "6b6b"));
    BOOST_TEST(names(g, audit.rows) == "6b6b");
    BOOST_TEST(as_set(names(g, members(audit.applied))) == "3f1c 5a5a 6b6b 7d4e");
    // Applying a revision and one of its ancestors gives one row.
    const auto chain = state_from_applied(g, list_of(g, "3f1c e5f6 7d4e"));
    BOOST_TEST(names(g, chain.rows) == "e5f6");
    const auto empty = state_from_applied(g, {});
    BOOST_TEST(empty.rows.empty());
    BOOST_TEST(members(empty.applied).empty());
}

BOOST_AUTO_TEST_CASE(upgrades_match_the_transcripts_step_for_step) {
    const auto g = reference_graph();
    const PlanCase cases[] = {
        // t13: the dependency's lineage runs first.
        {"", "audit@head", "3f1c 7d4e 5a5a 6b6b"},
        // t6
        {"", "7db91f0e6c3a", "3f1c 7db9"},
        {"7db9", "+1", "7d4e 9a8b"},  // one step reaches the merge, so its sibling runs too
        {"3f1c", "+1", kAmbiguousWalk},
        {"3f1c", "orders@+1", "7db9"},
        {"3f1c", "3f1c2a9e7b10+1", kAmbiguousWalk},
        {"7db9", "7d4e+2", "7d4e 9a8b e5f6"},
        {"e5f6", "+5", "relative too far: Relative revision +5 didn't produce 5 migrations"},
        {"", "e5f6-1", "3f1c 7d4e 7db9 9a8b"},  // the later merge parent's lane first
        // t21
        {"", "head-1",
         "multiple heads: Multiple head revisions are present for given argument 'head'"},
        {"", "base+1", kAmbiguousWalk},
        {"", "orders@+2", "3f1c 7db9"},
        {"7db9", "audit@heads", "7d4e 5a5a 6b6b"},
        {"7db9 6b6b", "audit@head-1", ""},
        // t20
        {"e5f6", "7db91f0e6c3a", ""},  // an ancestor of the current state: nothing to do
        {"e5f6", "-1", "relative too far: Relative revision -1 didn't produce 1 migrations"},
        {"e5f6", "nosuch",
         "unknown revision: Can't locate revision identified by 'nosuch': no such revision or "
         "branch"},
        {"e5f6", "orders@7d4e",
         "unknown revision: Can't locate revision identified by '7d4e': no such revision or "
         "branch"},
        {"e5f6", "audit@7d4e8b2c1a05",
         "unknown revision: Can't locate revision identified by '7d4e8b2c1a05': revision "
         "7d4e8b2c1a05 is not a member of branch 'audit'"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("upgrade " << c.target << " from {" << c.applied << "}") {
            BOOST_TEST(upgrade(g, c.applied, c.target) == c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(upgrade_runs_only_the_missing_ancestors_of_the_target) {
    const auto g = reference_graph();
    const PlanCase cases[] = {
        {"e5f6", "heads", "5a5a 6b6b"},
        {"5a5a", "6b6b", "3f1c 6b6b 7d4e"},
        {"6b6b", "heads", "7db9 9a8b e5f6"},
        {"7d4e", "orders@head", "7db9 9a8b e5f6"},
        {"", "heads", "3f1c 5a5a 6b6b 7d4e 7db9 9a8b e5f6"},
        {"", "9a8b", "3f1c 7d4e 7db9 9a8b"},
        {"7db9", "audit@+1", "5a5a"},
        {"7db9", "audit@+2", "5a5a 6b6b 7d4e"},
        {"6b6b", "orders@+1", "7db9"},
        {"", "7db9-1", "3f1c"},
        {"3f1c", "base", ""},
        {"e5f6 6b6b", "heads", ""},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("upgrade " << c.target << " from {" << c.applied << "}") {
            BOOST_TEST(as_set(upgrade(g, c.applied, c.target)) == c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(upgrade_plans_put_every_parent_and_dependency_first) {
    const auto g = reference_graph();
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"", "heads"}, {"", "audit@head"}, {"7db9", "heads"}, {"5a5a", "heads"}, {"", "9a8b"}};
    for (const auto& [applied, target] : cases) {
        BOOST_TEST_CONTEXT("upgrade " << target << " from {" << applied << "}") {
            const auto plan = plan_upgrade(g, at(g, applied), target);
            BOOST_TEST(parents_come_first(g, plan));
        }
    }
}

BOOST_AUTO_TEST_CASE(upgrade_through_a_merge_runs_the_other_parent_first) {
    // e = merge(d1, d2): Alembic's MergedPathTest expects the d2 lane before the d1 lane.
    const auto g = make_graph({{"a"},
                               {"b", {"a"}},
                               {"c1", {"b"}},
                               {"c2", {"b"}},
                               {"d1", {"c1"}},
                               {"d2", {"c2"}},
                               {"e", {"d1", "d2"}},
                               {"f", {"e"}}});
    BOOST_TEST(test::ids(g, plan_upgrade(g, state_from_applied(g, {test::rev(g, "b")}), "f")) ==
               (std::vector<std::string>{"c2", "d2", "c1", "d1", "e", "f"}));
}

BOOST_AUTO_TEST_CASE(upgrade_from_several_rows_with_plus_n_is_ambiguous) {
    const auto g = reference_graph();
    BOOST_TEST(upgrade(g, "7d4e 7db9", "+1") ==
               "ambiguous upgrade: Ambiguous upgrade from multiple current revisions");
}

BOOST_AUTO_TEST_CASE(upgrade_relative_to_heads_follows_the_single_real_head) {
    // t6, before the audit branch: `upgrade heads-1` at the merge point does nothing.
    const auto g = reference_graph_without_audit();
    BOOST_TEST(upgrade(g, "9a8b", "heads-1") == "");
    BOOST_TEST(upgrade(g, "", "+1") == "3f1c");
    BOOST_TEST(upgrade(g, "", "+2") == kAmbiguousWalk);
    // With two heads the symbol is ambiguous (t21).
    const auto full = reference_graph();
    BOOST_TEST(upgrade(full, "9a8b", "heads-1") ==
               "multiple heads: Multiple head revisions are present for given argument 'heads'");
}

BOOST_AUTO_TEST_CASE(upgrade_plus_n_past_the_head_names_the_count) {
    const auto g = make_graph({{"a"}, {"b", {"a"}}});
    BOOST_TEST(upgrade(g, "", "+2") == "a b");
    BOOST_TEST(upgrade(g, "", "+3") ==
               "relative too far: Relative revision +3 didn't produce 3 migrations");
    BOOST_TEST(upgrade(g, "a", "a+5") == "walked too far: Walked too far");
}

BOOST_AUTO_TEST_CASE(downgrades_match_the_transcripts_step_for_step) {
    const auto g = reference_graph();
    const PlanCase cases[] = {
        // t5
        {"e5f6", "-1", "e5f6"},
        {"9a8b", "-1", kAmbiguousWalk},
        {"9a8b", "7d4e8b2c1a05", "9a8b"},  // only the merge is undone; 7db9 stays
        {"7db9", "orders@-1", "7db9"},
        {"3f1c", "base", "3f1c"},
        // t6
        {"e5f6", "base", "e5f6 9a8b 7db9 7d4e 3f1c"},
        {"9a8b", "base", "9a8b 7db9 7d4e 3f1c"},
        {"e5f6", "orders@head-2", kAmbiguousWalk},
        // t13: only the audit branch; 7d4e stays
        {"6b6b", "audit@base", "6b6b 5a5a"},
        // t20
        {"e5f6", "6b6b00000002",
         "not ancestor: Destination 6b6b00000002 is not a valid downgrade target from current "
         "head(s)"},
        {"e5f6", "5a5a00000001",
         "not ancestor: Destination 5a5a00000001 is not a valid downgrade target from current "
         "head(s)"},
        {"e5f6", "7db91f0e6c3a", "e5f6 9a8b"},
        {"7d4e 7db9", "e5f6a7b8c9d0",
         "not ancestor: Destination e5f6a7b8c9d0 is not a valid downgrade target from current "
         "head(s)"},
        {"7d4e 7db9", "+1", "relative too far: Relative revision +1 didn't produce 1 migrations"},
        {"e5f6", "nosuch@base",
         "unknown revision: unknown branch label 'nosuch' in 'nosuch@base' (no label or revision "
         "has that name); the branch labels are: audit, orders"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("downgrade " << c.target << " from {" << c.applied << "}") {
            BOOST_TEST(downgrade(g, c.applied, c.target) == c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(downgrade_removes_what_lies_above_the_target_and_nothing_else) {
    const auto g = reference_graph();
    const PlanCase cases[] = {
        {"e5f6 6b6b", "7d4e8b2c1a05", "9a8b e5f6"},                 // 6b6b only depends on it
        {"e5f6 6b6b", "3f1c2a9e7b10", "6b6b 7d4e 7db9 9a8b e5f6"},  // and the dependent goes too
        {"e5f6 6b6b", "base", "3f1c 5a5a 6b6b 7d4e 7db9 9a8b e5f6"},
        {"e5f6 6b6b", "orders@base", "3f1c 6b6b 7d4e 7db9 9a8b e5f6"},  // 5a5a stays
        {"7d4e 7db9", "orders@3f1c2a9e7b10", "7db9"},  // one branch of a branch point
        {"7d4e 7db9", "7d4e@3f1c2a9e7b10", "7d4e"},
        {"6b6b 7db9", "audit@-1", "6b6b"},
        {"6b6b", "audit@-1", "6b6b"},
        {"e5f6", "7db9+1", "e5f6"},
        {"3f1c", "-1", "3f1c"},
        {"e5f6", "e5f6a7b8c9d0", ""},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("downgrade " << c.target << " from {" << c.applied << "}") {
            BOOST_TEST(as_set(downgrade(g, c.applied, c.target)) == c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(downgrade_errors_match_alembic) {
    const auto g = reference_graph();
    const PlanCase cases[] = {
        {"", "-1", "relative too far: Relative revision -1 didn't produce 1 migrations"},
        {"3f1c", "-2", "relative too far: Relative revision -2 didn't produce 2 migrations"},
        {"e5f6", "-2", kAmbiguousWalk},
        {"e5f6", "orders@-2", kAmbiguousWalk},
        {"e5f6", "3f1c+1", kAmbiguousWalk},
        {"e5f6", "head",
         "multiple heads: Multiple head revisions are present for given argument 'head'"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("downgrade " << c.target << " from {" << c.applied << "}") {
            BOOST_TEST(downgrade(g, c.applied, c.target) == c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(downgrade_plans_put_every_child_first) {
    const auto g = reference_graph();
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"e5f6 6b6b", "base"}, {"e5f6 6b6b", "3f1c2a9e7b10"}, {"e5f6 6b6b", "orders@base"}};
    for (const auto& [applied, target] : cases) {
        BOOST_TEST_CONTEXT("downgrade " << target << " from {" << applied << "}") {
            auto steps = plan_downgrade(g, at(g, applied), target).steps;
            std::reverse(steps.begin(), steps.end());
            BOOST_TEST(parents_come_first(g, steps));
        }
    }
}

BOOST_AUTO_TEST_CASE(downgrade_minus_n_from_two_rows_is_refused_naming_the_rows) {
    // Alembic walks from whichever row SELECT returns first, with a warning (t5, t20); runner
    // refuses and says how to choose.
    const auto g = reference_graph();
    BOOST_TEST(downgrade(g, "7db9 7d4e", "-1") ==
               "ambiguous walk: downgrade -1 is ambiguous: the database has several heads, "
               "7d4e8b2c1a05 (migration 7d4e8b2c1a05) and 7db91f0e6c3a (migration 7db91f0e6c3a); "
               "name the one to walk down from: 'runner downgrade 7d4e8b2c1a05@-1' or "
               "'runner downgrade 7db91f0e6c3a@-1'");
    BOOST_TEST(downgrade(g, "7db9 7d4e", "-9") ==
               "ambiguous walk: downgrade -9 is ambiguous: the database has several heads, "
               "7d4e8b2c1a05 (migration 7d4e8b2c1a05) and 7db91f0e6c3a (migration 7db91f0e6c3a); "
               "name the one to walk down from: 'runner downgrade 7d4e8b2c1a05@-9' or "
               "'runner downgrade 7db91f0e6c3a@-9'");
    // Naming the row, as the message suggests, walks down that branch only (t5's outcome).
    BOOST_TEST(downgrade(g, "7db9 7d4e", "7d4e8b2c1a05@-1") == "7d4e");
    BOOST_TEST(downgrade(g, "6b6b 7db9", "6b6b00000002@-1") == "6b6b");
}

BOOST_AUTO_TEST_CASE(stamps_match_the_t12_transcript) {
    const auto g = reference_graph_without_audit();
    BOOST_TEST(stamp(g, "", {"7d4e8b2c1a05"}) == "7d4e");
    BOOST_TEST(stamp(g, "7d4e", {"7db91f0e6c3a"}) == "7d4e 7db9");  // a second branch: two rows
    BOOST_TEST(stamp(g, "7d4e 7db9", {"heads"}) == "e5f6");         // two rows become one
    BOOST_TEST(stamp(g, "e5f6", {"7d4e8b2c1a05"}) == "7d4e");       // stamping down replaces
    BOOST_TEST(stamp(g, "7d4e", {"base"}) == "");
    BOOST_TEST(stamp(g, "", {"7d4e8b2c1a05", "7db91f0e6c3a"}) == "7d4e 7db9");
    BOOST_TEST(stamp(g, "7d4e 7db9", {"3f1c2a9e7b10"}) == "3f1c");
}

BOOST_AUTO_TEST_CASE(stamps_follow_depends_on_as_alembic_does) {
    const auto g = reference_graph();
    BOOST_TEST(stamp(g, "", {"heads"}) == "6b6b e5f6");
    BOOST_TEST(stamp(g, "7d4e 7db9", {"heads"}) == "6b6b e5f6");
    BOOST_TEST(stamp(g, "6b6b 7db9", {"audit@base"}) == "7db9");
    BOOST_TEST(stamp(g, "6b6b 7db9", {"base"}) == "");
    BOOST_TEST(stamp(g, "e5f6", {"e5f6a7b8c9d0"}) == "e5f6");
    BOOST_TEST(stamp(g, "e5f6", {"audit@head"}) == "6b6b e5f6");
    BOOST_TEST(stamp(g, "6b6b", {"7d4e8b2c1a05"}) == "7d4e");
    BOOST_TEST(stamp(g, "6b6b", {"5a5a00000001"}) == "5a5a");
    BOOST_TEST(stamp(g, "e5f6", {"orders@base"}) == "");
    BOOST_TEST(stamp(g, "7db9", {"6b6b00000002"}) == "6b6b 7db9");
    BOOST_TEST(stamp(g, "e5f6 6b6b", {"3f1c"}) == "3f1c");
}

BOOST_AUTO_TEST_CASE(stamp_naming_a_revision_twice_is_an_error) {
    // Alembic 1.8.1 fails with an AssertionError after writing half of it (t12).
    const auto g = reference_graph_without_audit();
    BOOST_TEST(stamp(g, "e5f6", {"3f1c2a9e7b10", "3f1c2a9e7b10"}) ==
               "overlap: stamp names revision 3f1c2a9e7b10 more than once");
}

BOOST_AUTO_TEST_CASE(stamp_of_overlapping_revisions_is_an_error) {
    // Alembic 1.8.1 writes the inconsistent rows {e5f6, 7d4e} (t12, t12b).
    const auto g = reference_graph_without_audit();
    const std::string overlap =
        "overlap: Requested revision e5f6a7b8c9d0 overlaps with other requested revisions "
        "7d4e8b2c1a05";
    BOOST_TEST(stamp(g, "3f1c", {"e5f6", "7d4e"}) == overlap);
    BOOST_TEST(stamp(g, "", {"e5f6", "7d4e"}) == overlap);
    BOOST_TEST(stamp(g, "", {"7d4e", "e5f6"}).find("overlaps") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stamp_of_a_relative_target_on_an_empty_version_table_walks_from_the_heads) {
    // Alembic resolves "-1" through get_revisions (down from each head); with no rows there
    // is nothing to check its lineage against.
    const auto g = reference_graph();
    BOOST_TEST(stamp(g, "", {"-1"}) == "5a5a 9a8b");
    BOOST_TEST(stamp(g, "", {"orders@-1"}) == "9a8b");
    // With a row, Alembic's lineage check cannot resolve "-1" either.
    BOOST_TEST(stamp(g, "7db9", {"-1"}) ==
               "unknown revision: Can't locate revision identified by '-1': no such revision or "
               "branch (partial revision ids need at least four characters)");
}

BOOST_AUTO_TEST_CASE(stamp_head_with_several_heads_is_a_multiple_heads_error) {
    const auto g = reference_graph();
    BOOST_CHECK_THROW(plan_stamp(g, {}, {"head"}), MultipleHeadsError);
}

BOOST_AUTO_TEST_CASE(history_ranges_match_the_t21_and_t12b_transcripts) {
    const auto g = reference_graph();
    BOOST_TEST(history(g, "", "audit@base", "audit@head") == "6b6b 5a5a 7d4e 3f1c");
    BOOST_TEST(history(g, "", "", "orders@head") == "e5f6 9a8b 7db9 7d4e 3f1c");
    BOOST_TEST(history(g, "e5f6 7d4e", "7d4e", "") == "e5f6 9a8b 7d4e");
}

BOOST_AUTO_TEST_CASE(history_from_label_at_base_lists_only_that_branch) {
    // t21: `history -r orders@base:` leaves out the audit branch. Alembic's
    // _collect_upgrade_revisions keeps only the targets carrying the lower bound's label.
    const auto g = reference_graph();
    BOOST_TEST(history(g, "", "orders@base", "") == "e5f6 9a8b 7db9 7d4e 3f1c");
    BOOST_TEST(history(g, "", "audit@base", "heads") == "6b6b 5a5a 7d4e 3f1c");
    BOOST_TEST(history(g, "", "audit@base", "e5f6") == "");
}

BOOST_AUTO_TEST_CASE(history_up_to_plus_n_stops_at_the_head_instead_of_failing) {
    // Alembic walks history ranges with assert_relative_length=False: +N goes as far as it can.
    const auto g = reference_graph();
    BOOST_TEST(history(g, "", "7db9", "+5") == "e5f6 9a8b 7db9");
    BOOST_TEST(history(g, "", "5a5a", "+3") == "6b6b 5a5a");
    BOOST_TEST(history(g, "", "base", "orders@+9") == "e5f6 9a8b 7db9 7d4e 3f1c");
}

BOOST_AUTO_TEST_CASE(history_ranges_select_what_alembic_selects) {
    const auto g = reference_graph();
    BOOST_TEST(as_set(history(g, "", "", "")) == "3f1c 5a5a 6b6b 7d4e 7db9 9a8b e5f6");
    BOOST_TEST(history(g, "", "3f1c", "e5f6") == "e5f6 9a8b 7db9 7d4e 3f1c");
    BOOST_TEST(as_set(history(g, "", "-1", "")) == "5a5a 6b6b 9a8b e5f6");
    BOOST_TEST(history(g, "", "9a8b", "heads") == "e5f6 9a8b");
    BOOST_TEST(history(g, "", "5a5a", "") == "6b6b 5a5a");
    BOOST_TEST(history(g, "7d4e 7db9", "current", "") == "e5f6 9a8b 7db9 7d4e");
    BOOST_TEST(history(g, "7d4e 7db9", "", "current") == "7d4e 7db9 3f1c");
}

BOOST_AUTO_TEST_CASE(history_range_between_siblings_is_an_error) {
    const auto g = reference_graph();
    BOOST_TEST(history(g, "", "7d4e", "7db9") ==
               "not ancestor: Requested range 7d4e:7db9 does not refer to ancestor/descendant "
               "revisions along the same branch");
}

BOOST_AUTO_TEST_CASE(an_unknown_branch_label_is_refused_in_every_target_form) {
    // Alembic ignores the label where it has nothing to filter (one root: `typo@base` is base,
    // `typo@-1` from no rows is base); runner refuses it everywhere, naming the labels.
    const auto chain = make_graph({{"a"}, {"b", {"a"}}, {"c", {"b"}}});
    const std::string none =
        "unknown revision: unknown branch label 'typo' in '%' (no label or revision has that "
        "name); this project has no branch labels";
    const auto msg = [&](const std::string& target) {
        std::string m = none;
        return m.replace(m.find('%'), 1, target);
    };
    for (const std::string t : {"typo@base", "typo@-1", "typo@a", "typo@head", "typo@c-1"}) {
        BOOST_TEST_CONTEXT(t) {
            BOOST_TEST(downgrade(chain, "c", t) == msg(t));
            BOOST_TEST(downgrade(chain, "", t) == msg(t));
        }
    }
    for (const std::string t :
         {"typo@head", "typo@heads", "typo@+1", "typo@c", "typo@base", "typo@-1", "typo@a+1"}) {
        BOOST_TEST_CONTEXT(t) {
            BOOST_TEST(upgrade(chain, "a", t) == msg(t));
            BOOST_TEST(upgrade(chain, "", t) == msg(t));
        }
    }
    for (const std::string t : {"typo@base", "typo@head", "typo@-1"}) {
        BOOST_TEST_CONTEXT(t) {
            BOOST_TEST(stamp(chain, "c", {t}) == msg(t));
            BOOST_TEST(stamp(chain, "", {t}) == msg(t));
        }
    }
    BOOST_TEST(history(chain, "c", "typo@base", "") == msg("typo@base"));
    BOOST_TEST(history(chain, "c", "", "typo@head") == msg("typo@head"));
    BOOST_TEST(history(chain, "c", "", "typo@+1") == msg("typo@+1"));

    const auto labelled = reference_graph();
    BOOST_TEST(downgrade(labelled, "e5f6", "typo@base") ==
               "unknown revision: unknown branch label 'typo' in 'typo@base' (no label or "
               "revision has that name); the branch labels are: audit, orders");
    // An empty branch is no branch, as in Alembic; a revision id names its lineage.
    BOOST_TEST(downgrade(chain, "c", "@base") == "c b a");
    BOOST_TEST(downgrade(chain, "c", "b@base") == "c b a");
    BOOST_TEST(upgrade(chain, "a", "c@+1") == "b");
}

BOOST_AUTO_TEST_CASE(parents_first_orders_a_long_chain_without_recursion) {
    std::vector<test::Spec> specs = {{"r0"}};
    for (int i = 1; i < 20000; ++i) {
        specs.push_back({"r" + std::to_string(i), {"r" + std::to_string(i - 1)}});
    }
    const auto g = make_graph(specs);
    const auto plan = plan_upgrade(g, state_from_applied(g, {}), "head");
    BOOST_TEST_REQUIRE(plan.size() == 20000u);
    BOOST_TEST(g.id(plan.front()) == "r0");
    BOOST_TEST(g.id(plan.back()) == "r19999");
    BOOST_TEST(parents_come_first(g, plan));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
