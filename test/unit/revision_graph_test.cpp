// Tests of the revision graph built in memory: structure, labels, broken graphs, lookups, walks.
#include "graph/revision_graph.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "test_graphs.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

using test::error_of;
using test::ids;
using test::kAudit;
using test::kAuditEmail;
using test::kCreatedAt;
using test::kEmail;
using test::kMerge;
using test::kOrders;
using test::kUsers;
using test::make_graph;
using test::reference_graph;
using test::rev;
using test::Spec;

using Ids = std::vector<std::string>;

std::string s(std::string_view v) {
    return std::string(v);
}

// What get_revisions makes of a symbol: the ids joined by commas, or the error.
std::string lookup(const RevisionGraph& g, std::string_view symbol) {
    std::string out;
    const auto e = error_of([&] { out = join(ids(g, g.get_revisions(symbol)), ","); });
    return e == "no error" ? out : e;
}

// Where walk() ends: an id, "base", "none", or the error.
std::string walked(const RevisionGraph& g, std::optional<std::string_view> start, int steps,
                   std::optional<std::string_view> branch = {}) {
    std::string out;
    const auto e = error_of([&] {
        const std::optional<Rev> from =
            start ? std::optional<Rev>(rev(g, *start)) : std::optional<Rev>();
        const auto w = g.walk(from, steps, branch);
        switch (w.kind) {
            case WalkResult::Kind::kRevision:
                out = g.id(w.rev);
                break;
            case WalkResult::Kind::kBase:
                out = "base";
                break;
            case WalkResult::Kind::kNone:
                out = "none";
                break;
        }
    });
    return e == "no error" ? out : e;
}

struct BrokenGraph {
    std::string_view name;
    std::vector<Spec> specs;
    std::string_view error;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(revision_graph)

BOOST_AUTO_TEST_CASE(linear_chain_has_one_head_one_base_and_links_both_ways) {
    const auto g = make_graph({{"a"}, {"b", {"a"}}, {"c", {"b"}}});
    BOOST_TEST(g.size() == 3u);
    BOOST_TEST(ids(g, g.heads()) == Ids{"c"});
    BOOST_TEST(ids(g, g.real_heads()) == Ids{"c"});
    BOOST_TEST(ids(g, g.bases()) == Ids{"a"});
    BOOST_TEST(ids(g, g.parents(rev(g, "b"))) == Ids{"a"});
    BOOST_TEST(ids(g, g.children(rev(g, "b"))) == Ids{"c"});
    BOOST_TEST(g.parents(rev(g, "a")).empty());
    BOOST_TEST(g.is_head(rev(g, "c")));
    BOOST_TEST(!g.is_head(rev(g, "b")));
    BOOST_TEST(!g.is_branch_point(rev(g, "a")));
    BOOST_TEST(!g.is_merge_point(rev(g, "c")));
    BOOST_TEST(g.migration(rev(g, "b")).up_path == "b.up.sql");
    BOOST_TEST(!g.find("d").has_value());
}

BOOST_AUTO_TEST_CASE(diamond_has_a_branch_point_and_a_merge_point) {
    const auto g = make_graph({{"a"}, {"b", {"a"}}, {"c", {"a"}}, {"d", {"b", "c"}}});
    BOOST_TEST(g.is_branch_point(rev(g, "a")));
    BOOST_TEST(!g.is_branch_point(rev(g, "b")));
    BOOST_TEST(g.is_merge_point(rev(g, "d")));
    BOOST_TEST(!g.is_merge_point(rev(g, "b")));
    BOOST_TEST(ids(g, g.children(rev(g, "a"))) == (Ids{"b", "c"}));
    BOOST_TEST(ids(g, g.parents(rev(g, "d"))) == (Ids{"b", "c"}));
    BOOST_TEST(ids(g, g.heads()) == Ids{"d"});
    BOOST_TEST(ids(g, g.bases()) == Ids{"a"});
    BOOST_TEST(ids(g, g.ancestors({rev(g, "d")})) == (Ids{"a", "b", "c", "d"}));
    BOOST_TEST(ids(g, g.ancestors({rev(g, "b")})) == (Ids{"a", "b"}));
    BOOST_TEST(ids(g, g.descendants({rev(g, "c")})) == (Ids{"c", "d"}));
}

BOOST_AUTO_TEST_CASE(two_roots_are_two_bases_and_two_heads) {
    const auto g = make_graph({{"a"}, {"b"}, {"a2", {"a"}}});
    BOOST_TEST(ids(g, g.bases()) == (Ids{"a", "b"}));
    BOOST_TEST(ids(g, g.heads()) == (Ids{"b", "a2"}));
    BOOST_TEST(ids(g, g.descendants({rev(g, "b")})) == Ids{"b"});
}

BOOST_AUTO_TEST_CASE(reference_graph_has_the_structure_of_the_alembic_project) {
    const auto g = reference_graph();
    BOOST_TEST(ids(g, g.heads()) == (Ids{s(kCreatedAt), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.real_heads()) == (Ids{s(kCreatedAt), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.bases()) == (Ids{s(kUsers), s(kAudit)}));
    BOOST_TEST(g.is_branch_point(rev(g, kUsers)));
    BOOST_TEST(g.is_merge_point(rev(g, kMerge)));
    BOOST_TEST(ids(g, g.parents(rev(g, kMerge))) == (Ids{s(kOrders), s(kEmail)}));
    BOOST_TEST(ids(g, g.parents(rev(g, kAuditEmail))) == Ids{s(kAudit)});
    BOOST_TEST(ids(g, g.dependencies(rev(g, kAuditEmail))) == Ids{s(kEmail)});
    BOOST_TEST(ids(g, g.normalized_parents(rev(g, kAuditEmail))) == (Ids{s(kAudit), s(kEmail)}));
    BOOST_TEST(ids(g, g.children(rev(g, kEmail))) == Ids{s(kMerge)});
    BOOST_TEST(ids(g, g.all_children(rev(g, kEmail))) == (Ids{s(kMerge), s(kAuditEmail)}));
    // A dependent is not a child: 7d4e is neither a head nor a branch point.
    BOOST_TEST(!g.is_head(rev(g, kEmail)));
    BOOST_TEST(!g.is_branch_point(rev(g, kEmail)));
}

BOOST_AUTO_TEST_CASE(closures_follow_dependencies_only_when_asked) {
    const auto g = reference_graph();
    BOOST_TEST(ids(g, g.ancestors({rev(g, kAuditEmail)}, true)) ==
               (Ids{s(kUsers), s(kEmail), s(kAudit), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.ancestors({rev(g, kAuditEmail)}, false)) ==
               (Ids{s(kAudit), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.descendants({rev(g, kEmail)}, true)) ==
               (Ids{s(kEmail), s(kMerge), s(kCreatedAt), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.descendants({rev(g, kEmail)}, false)) ==
               (Ids{s(kEmail), s(kMerge), s(kCreatedAt)}));
}

BOOST_AUTO_TEST_CASE(depends_on_may_name_a_branch_label) {
    const auto g = make_graph({{"a", {}, {"core"}}, {"b", {"a"}}, {"x", {}, {}, {"core"}}});
    BOOST_TEST(ids(g, g.dependencies(rev(g, "x"))) == Ids{"a"});
    BOOST_TEST(ids(g, g.all_children(rev(g, "a"))) == (Ids{"b", "x"}));
}

BOOST_AUTO_TEST_CASE(revision_satisfied_only_through_depends_on_is_an_effective_head) {
    // alembic.md 3.7: aaaa0002 is a head by down_revision but not a real head.
    const auto g =
        make_graph({{"aaaa0001"}, {"aaaa0002", {"aaaa0001"}}, {"bbbb0001", {}, {}, {"aaaa0002"}}});
    BOOST_TEST(ids(g, g.heads()) == (Ids{"aaaa0002", "bbbb0001"}));
    BOOST_TEST(ids(g, g.real_heads()) == Ids{"bbbb0001"});
    BOOST_TEST(g.is_head(rev(g, "aaaa0002")));
    BOOST_TEST(!g.is_real_head(rev(g, "aaaa0002")));
    BOOST_TEST(g.is_real_head(rev(g, "bbbb0001")));
    BOOST_TEST(ids(g, g.get_revisions("heads")) == Ids{"bbbb0001"});
    BOOST_TEST(ids(g, g.bases()) == (Ids{"aaaa0001", "bbbb0001"}));
}

BOOST_AUTO_TEST_CASE(normalized_parents_drop_dependencies_an_ancestor_already_has) {
    const auto g = make_graph({{"a"}, {"b"}, {"c", {"a"}, {}, {"b"}}, {"d", {"c"}, {}, {"b"}}});
    BOOST_TEST(ids(g, g.normalized_parents(rev(g, "c"))) == (Ids{"a", "b"}));
    BOOST_TEST(ids(g, g.normalized_parents(rev(g, "d"))) == Ids{"c"});
    BOOST_TEST(ids(g, g.dependencies(rev(g, "d"))) == Ids{"b"});
}

BOOST_AUTO_TEST_CASE(labels_cover_the_labelled_revision_and_its_descendants) {
    const auto g = reference_graph();
    BOOST_TEST(g.labels(rev(g, kUsers)).empty());
    BOOST_TEST(g.labels(rev(g, kEmail)).empty());
    BOOST_TEST(g.labels(rev(g, kOrders)) == Ids{"orders"});
    BOOST_TEST(g.labels(rev(g, kMerge)) == Ids{"orders"});
    BOOST_TEST(g.labels(rev(g, kCreatedAt)) == Ids{"orders"});
    BOOST_TEST(g.labels(rev(g, kAudit)) == Ids{"audit"});
    BOOST_TEST(g.labels(rev(g, kAuditEmail)) == Ids{"audit"});
}

BOOST_AUTO_TEST_CASE(label_covers_ancestors_along_an_unbranched_chain) {
    const auto g = make_graph({{"a"}, {"b", {"a"}, {"x"}}, {"c", {"b"}}});
    BOOST_TEST(g.labels(rev(g, "a")) == Ids{"x"});
    BOOST_TEST(g.labels(rev(g, "b")) == Ids{"x"});
    BOOST_TEST(g.labels(rev(g, "c")) == Ids{"x"});
}

BOOST_AUTO_TEST_CASE(label_stops_at_the_branch_point_below_it) {
    const auto g = make_graph({{"r"}, {"a", {"r"}}, {"b", {"a"}, {"x"}}, {"z", {"r"}}});
    BOOST_TEST(g.labels(rev(g, "r")).empty());
    BOOST_TEST(g.labels(rev(g, "z")).empty());
    BOOST_TEST(g.labels(rev(g, "a")) == Ids{"x"});
    BOOST_TEST(g.labels(rev(g, "b")) == Ids{"x"});
}

BOOST_AUTO_TEST_CASE(label_stops_at_the_merge_point_below_it) {
    const auto g = make_graph({{"a"}, {"b"}, {"m", {"a", "b"}}, {"c", {"m"}, {"x"}}, {"d", {"c"}}});
    BOOST_TEST(g.labels(rev(g, "m")).empty());
    BOOST_TEST(g.labels(rev(g, "a")).empty());
    BOOST_TEST(g.labels(rev(g, "c")) == Ids{"x"});
    BOOST_TEST(g.labels(rev(g, "d")) == Ids{"x"});
}

BOOST_AUTO_TEST_CASE(label_does_not_cover_ancestors_when_its_descendants_branch) {
    const auto g = make_graph({{"a"}, {"b", {"a"}, {"x"}}, {"c", {"b"}}, {"d", {"b"}}});
    BOOST_TEST(g.labels(rev(g, "a")).empty());
    BOOST_TEST(g.labels(rev(g, "c")) == Ids{"x"});
    BOOST_TEST(g.labels(rev(g, "d")) == Ids{"x"});
}

BOOST_AUTO_TEST_CASE(label_does_not_cover_an_ancestor_that_has_a_dependent) {
    // b has a child and a dependent: a "real" branch point for Alembic's _add_branches.
    const auto g = make_graph({{"a"}, {"b", {"a"}}, {"c", {"b"}, {"x"}}, {"d", {}, {}, {"b"}}});
    BOOST_TEST(g.labels(rev(g, "a")).empty());
    BOOST_TEST(g.labels(rev(g, "b")).empty());
    BOOST_TEST(g.labels(rev(g, "c")) == Ids{"x"});
    BOOST_TEST(g.labels(rev(g, "d")).empty());
}

BOOST_AUTO_TEST_CASE(several_labels_are_listed_sorted) {
    const auto g = make_graph({{"a", {}, {"zeta", "alpha"}}, {"b", {"a"}, {"mid"}}});
    BOOST_TEST(g.labels(rev(g, "a")) == (Ids{"alpha", "mid", "zeta"}));
    BOOST_TEST(g.labels(rev(g, "b")) == (Ids{"alpha", "mid", "zeta"}));
}

BOOST_AUTO_TEST_CASE(duplicate_revision_is_an_error_naming_both_files) {
    std::vector<Migration> migrations = {test::make_migration({"a"}),
                                         test::make_migration({"b", {"a"}}),
                                         test::make_migration({"a"})};
    migrations[0].up_path = "versions/0001_a.up.sql";
    migrations[2].up_path = "versions/0003_a_again.up.sql";
    BOOST_TEST(error_of([&] { RevisionGraph g(migrations); }) ==
               "duplicate revision: versions/0003_a_again.up.sql:1: revision a is already "
               "declared by versions/0001_a.up.sql:1");
}

BOOST_AUTO_TEST_CASE(every_broken_graph_in_the_table_is_refused_with_its_message) {
    const BrokenGraph cases[] = {
        {"missing parent",
         {{"a"}, {"b", {"zz"}}},
         "missing parent: b.up.sql:2: down_revision 'zz' of b is not declared by any migration "
         "file"},
        {"one missing parent of a merge",
         {{"a"}, {"m", {"a", "zz"}}},
         "missing parent: m.up.sql:2: down_revision 'zz' of m is not declared by any migration "
         "file"},
        {"missing dependency",
         {{"a"}, {"b", {"a"}, {}, {"zz"}}},
         "missing dependency: b.up.sql:4: depends_on 'zz' of b names no revision or branch "
         "label"},
        {"self loop",
         {{"a", {"a"}}},
         "self loop: a.up.sql:2: Self-loop is detected in revisions (a)"},
        {"dependency self loop",
         {{"a", {}, {}, {"a"}}},
         "dependency self loop: a.up.sql:4: Dependency self-loop is detected in revisions (a)"},
        {"dependency self loop through its own label",
         {{"r"}, {"a", {"r"}, {"x"}, {"x"}}},
         "dependency self loop: a.up.sql:4: Dependency self-loop is detected in revisions (a)"},
        {"cycle beside a root",
         {{"r"}, {"c", {"b"}}, {"a", {"c"}}, {"b", {"a"}}},
         "cycle: Cycle is detected in revisions (a, b, c); see a.up.sql:2, b.up.sql:2, c.up.sql:2"},
        {"whole graph is a cycle",
         {{"c", {"b"}}, {"b", {"a"}}, {"a", {"c"}}},
         "cycle: Cycle is detected in revisions (a, b, c); see a.up.sql:2, b.up.sql:2, c.up.sql:2"},
        {"cycle entered through a merge, with a revision above it",
         {{"r"}, {"a", {"r", "c"}}, {"b", {"a"}}, {"c", {"b"}}, {"d", {"c"}}},
         "cycle: Cycle is detected in revisions (a, b, c); see a.up.sql:2, b.up.sql:2, c.up.sql:2"},
        {"dependency cycle",
         {{"a"}, {"b", {"a"}, {}, {"c"}}, {"c", {"a"}, {}, {"b"}}, {"e", {"a"}}},
         "dependency cycle: Dependency cycle is detected in revisions (b, c); see b.up.sql:4, "
         "c.up.sql:4"},
        {"dependency cycle through a label",
         {{"a"}, {"b", {"a"}, {"x"}, {"c"}}, {"c", {"a"}, {}, {"x"}}},
         "dependency cycle: Dependency cycle is detected in revisions (b, c); see b.up.sql:4, "
         "c.up.sql:4"},
        {"duplicate label",
         {{"a", {}, {"x"}}, {"b", {"a"}, {"x"}}},
         "duplicate label: b.up.sql:3: Branch name 'x' in revision b already used by revision a"},
        {"label equal to an earlier revision id",
         {{"a"}, {"b", {"a"}, {"a"}}},
         "duplicate label: b.up.sql:3: Branch name 'a' in revision b already used by revision a"},
        {"label equal to a later revision id",
         {{"a", {}, {"b"}}, {"b", {"a"}}},
         "duplicate label: a.up.sql:3: Branch name 'b' in revision a already used by revision b"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            BOOST_TEST(error_of([&] { make_graph(c.specs); }) == c.error);
        }
    }
}

BOOST_AUTO_TEST_CASE(empty_graph_has_no_heads_and_no_bases) {
    const auto g = make_graph({});
    BOOST_TEST(g.size() == 0u);
    BOOST_TEST(g.heads().empty());
    BOOST_TEST(g.bases().empty());
    BOOST_TEST(lookup(g, "heads") == "");
    BOOST_TEST(lookup(g, "head") == "");
}

BOOST_AUTO_TEST_CASE(every_symbol_in_the_table_resolves_as_in_alembic) {
    const auto g = reference_graph();
    const std::string cant = "unknown revision: Can't locate revision identified by ";
    const auto unknown_branch = [](const std::string& target) {
        return "unknown revision: unknown branch label 'nosuch' in '" + target +
               "' (no label or revision has that name); the branch labels are: audit, orders";
    };
    const std::pair<std::string_view, std::string> cases[] = {
        {"3f1c2a9e7b10", s(kUsers)},
        {"3f1c", s(kUsers)},
        {"7db9", s(kOrders)},
        // Any prefix works when unique among keys longer than three characters ("show 3").
        {"3", s(kUsers)},
        {"7d", cant + "'7d': the prefix is ambiguous; it matches 7d4e8b2c1a05, 7db91f0e6c3a"},
        {"zzz", cant + "'zzz': no such revision or branch (partial revision ids need at least "
                       "four characters)"},
        {"zzzz", cant + "'zzzz': no such revision or branch"},
        {"3f1c2a9e7b10x", cant + "'3f1c2a9e7b10x': no such revision or branch"},
        {"current", cant + "'current': no such revision or branch"},
        {"orders", s(kOrders)},
        {"audit", s(kAudit)},
        {"orde", s(kOrders)},
        {"aud", s(kAudit)},
        {"heads", s(kCreatedAt) + "," + s(kAuditEmail)},
        {"head", "multiple heads: Multiple head revisions are present for given argument 'head'"},
        {"base", ""},
        {"orders@head", s(kCreatedAt)},
        {"audit@head", s(kAuditEmail)},
        {"3f1c@head", s(kCreatedAt)},
        {"orders@heads", s(kCreatedAt)},
        {"audit@heads", s(kAuditEmail)},
        {"orders@base", ""},
        {"e5f6@7d4e", s(kEmail)},
        {"orders@9a8b", s(kMerge)},
        {"orders@3f1c", s(kUsers)},
        {"orders@7d4e8b2c1a05",
         cant + "'7d4e8b2c1a05': revision 7d4e8b2c1a05 is not a member of branch 'orders'"},
        {"audit@7d4e8b2c1a05",
         cant + "'7d4e8b2c1a05': revision 7d4e8b2c1a05 is not a member of branch 'audit'"},
        // A prefix is looked up among the branch's revisions only.
        {"orders@7d4e", cant + "'7d4e': no such revision or branch"},
        {"nosuch@head", unknown_branch("nosuch@head")},
        {"nosuch@3f1c", unknown_branch("nosuch@3f1c")},
        {"nosuch@base", unknown_branch("nosuch@base")},
        {"nosuch@-1", unknown_branch("nosuch@-1")},
        {"nosuch@heads", unknown_branch("nosuch@heads")},
        {"-1", s(kMerge) + "," + s(kAudit)},
        {"audit@-1", s(kAudit)},
        {"orders@-1", s(kMerge)},
        {"-2", "ambiguous walk: Ambiguous walk"},
    };
    for (const auto& [symbol, expected] : cases) {
        BOOST_TEST_CONTEXT(symbol) {
            BOOST_TEST(lookup(g, symbol) == expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(short_ids_match_only_exactly) {
    // Alembic's prefix match skips keys of three characters or fewer.
    const auto g = make_graph({{"abc"}, {"abd1", {"abc"}}});
    BOOST_TEST(lookup(g, "abc") == "abc");
    BOOST_TEST(lookup(g, "ab") == "abd1");
    BOOST_TEST(lookup(g, "a") == "abd1");
}

BOOST_AUTO_TEST_CASE(head_with_several_heads_lists_them) {
    const auto g = reference_graph();
    try {
        g.get_revision("head");
        BOOST_FAIL("head resolved although there are two heads");
    } catch (const MultipleHeadsError& e) {
        BOOST_TEST(e.heads() == (Ids{s(kCreatedAt), s(kAuditEmail)}));
        BOOST_TEST(e.argument() == "head");
        BOOST_TEST(test::kind_name(e.kind()) == "multiple heads");
    }
}

BOOST_AUTO_TEST_CASE(get_revision_of_heads_with_several_heads_names_the_argument) {
    const auto g = reference_graph();
    try {
        g.get_revision("heads");
        BOOST_FAIL("heads resolved to one revision although there are two heads");
    } catch (const MultipleHeadsError& e) {
        BOOST_TEST(e.heads() == (Ids{s(kCreatedAt), s(kAuditEmail)}));
        BOOST_TEST(e.argument() == "heads");
    }
}

BOOST_AUTO_TEST_CASE(get_revision_returns_nothing_for_base_and_one_revision_otherwise) {
    const auto g = reference_graph();
    BOOST_TEST(!g.get_revision("base").has_value());
    BOOST_TEST(g.get_revision("orders@head").value_or(Rev{99}) == rev(g, kCreatedAt));
    BOOST_TEST(g.get_revision("audit").value_or(Rev{99}) == rev(g, kAudit));
}

BOOST_AUTO_TEST_CASE(head_of_a_single_head_graph_is_that_head) {
    const auto g = make_graph({{"a"}, {"b", {"a"}}});
    BOOST_TEST(lookup(g, "head") == "b");
    BOOST_TEST(lookup(g, "heads") == "b");
    BOOST_TEST(lookup(g, "-1") == "a");
}

BOOST_AUTO_TEST_CASE(walks_follow_chains_up_and_down) {
    const auto g = reference_graph();
    BOOST_TEST(walked(g, kOrders, 1) == s(kMerge));
    BOOST_TEST(walked(g, kOrders, 2) == s(kCreatedAt));
    BOOST_TEST(walked(g, kEmail, 1) == s(kMerge));  // the dependent 6b6b is not a child
    BOOST_TEST(walked(g, kAudit, 1) == s(kAuditEmail));
    BOOST_TEST(walked(g, kCreatedAt, -1) == s(kMerge));
    BOOST_TEST(walked(g, kAuditEmail, -1) == s(kAudit));  // nor is the dependency a parent
    BOOST_TEST(walked(g, kEmail, -1) == s(kUsers));
    BOOST_TEST(walked(g, kOrders, 0) == s(kOrders));
}

BOOST_AUTO_TEST_CASE(walk_is_ambiguous_up_from_a_branch_point_and_down_from_a_merge_point) {
    const auto g = reference_graph();
    BOOST_TEST(walked(g, kUsers, 1) == "ambiguous walk: Ambiguous walk");
    BOOST_TEST(walked(g, kMerge, -1) == "ambiguous walk: Ambiguous walk");
    BOOST_TEST(walked(g, kCreatedAt, -2) == "ambiguous walk: Ambiguous walk");
    // Two roots: up from base is ambiguous too (t21: upgrade base+1).
    BOOST_TEST(walked(g, std::nullopt, 1) == "ambiguous walk: Ambiguous walk");
}

BOOST_AUTO_TEST_CASE(walk_with_a_branch_picks_the_child_on_that_branch) {
    const auto g = reference_graph();
    BOOST_TEST(walked(g, kUsers, 1, "orders") == s(kOrders));
    BOOST_TEST(walked(g, std::nullopt, 1, "orders") == s(kUsers));
    BOOST_TEST(walked(g, std::nullopt, 2, "orders") == s(kOrders));
    BOOST_TEST(walked(g, std::nullopt, 1, "audit") == s(kAudit));
}

BOOST_AUTO_TEST_CASE(walking_down_from_a_root_gives_base_then_nothing) {
    const auto g = reference_graph();
    BOOST_TEST(walked(g, kUsers, -1) == "base");
    BOOST_TEST(walked(g, kEmail, -2) == "base");
    BOOST_TEST(walked(g, kUsers, -2) == "none");
}

BOOST_AUTO_TEST_CASE(walking_up_past_a_head_gives_nothing) {
    const auto g = reference_graph();
    BOOST_TEST(walked(g, kCreatedAt, 1) == "none");
    BOOST_TEST(walked(g, kOrders, 5) == "none");
    const auto chain = make_graph({{"a"}, {"b", {"a"}}});
    BOOST_TEST(walked(chain, std::nullopt, 1) == "a");
    BOOST_TEST(walked(chain, std::nullopt, 2) == "b");
    BOOST_TEST(walked(chain, std::nullopt, 3) == "none");
}

BOOST_AUTO_TEST_CASE(current_heads_include_revisions_implied_through_depends_on) {
    // t13: with the single row 6b6b, `current` shows 6b6b and the dependency 7d4e.
    const auto g = reference_graph();
    BOOST_TEST(ids(g, g.current_heads({rev(g, kAuditEmail)})) == (Ids{s(kEmail), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.current_heads({rev(g, kOrders), rev(g, kAuditEmail)})) ==
               (Ids{s(kEmail), s(kOrders), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.current_heads({rev(g, kCreatedAt)})) == Ids{s(kCreatedAt)});
    BOOST_TEST(g.current_heads({}).empty());
}

BOOST_AUTO_TEST_CASE(rows_of_an_applied_set_omit_what_a_dependent_covers) {
    // t13: after `upgrade audit@head` the only row is 6b6b; 7d4e has no row of its own.
    const auto g = reference_graph();
    BOOST_TEST(ids(g, g.rows_of(g.ancestors({rev(g, kAuditEmail)}))) == Ids{s(kAuditEmail)});
    BOOST_TEST(ids(g, g.rows_of(g.ancestors({rev(g, kOrders), rev(g, kAuditEmail)}))) ==
               (Ids{s(kOrders), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.rows_of(g.ancestors({rev(g, kEmail), rev(g, kOrders)}))) ==
               (Ids{s(kEmail), s(kOrders)}));
    BOOST_TEST(ids(g, g.rows_of(g.ancestors({rev(g, kCreatedAt)}))) == Ids{s(kCreatedAt)});
    BOOST_TEST(g.rows_of(RevSet(g.size(), 0)).empty());
}

BOOST_AUTO_TEST_CASE(filter_for_lineage_keeps_ancestors_and_descendants) {
    const auto g = reference_graph();
    const std::vector<Rev> all = {rev(g, kUsers),     rev(g, kEmail),     rev(g, kOrders),
                                  rev(g, kMerge),     rev(g, kCreatedAt), rev(g, kAudit),
                                  rev(g, kAuditEmail)};
    BOOST_TEST(ids(g, g.filter_for_lineage(all, "orders")) ==
               (Ids{s(kUsers), s(kOrders), s(kMerge), s(kCreatedAt)}));
    BOOST_TEST(ids(g, g.filter_for_lineage(all, "audit")) == (Ids{s(kAudit), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.filter_for_lineage(all, "audit", true)) ==
               (Ids{s(kAudit), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.filter_for_lineage(all, kAuditEmail, true)) ==
               (Ids{s(kUsers), s(kEmail), s(kAudit), s(kAuditEmail)}));
    BOOST_TEST(ids(g, g.filter_for_lineage(all, "base")) == ids(g, all));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
