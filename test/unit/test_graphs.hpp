// In-memory migrations and revision graphs shared by the graph and planner tests.
#pragma once

#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "graph/revision_graph.hpp"
#include "migration/migration.hpp"

namespace runner::test {

// What a test says about one migration; everything else gets a predictable default.
struct Spec {
    std::string revision;
    std::vector<std::string> down = {};
    std::vector<std::string> labels = {};
    std::vector<std::string> depends_on = {};
};

// Header lines of every made-up up file, so error messages can be asserted exactly.
inline constexpr int kRevisionLine = 1;
inline constexpr int kDownRevisionLine = 2;
inline constexpr int kBranchLabelsLine = 3;
inline constexpr int kDependsOnLine = 4;

inline Migration make_migration(const Spec& spec) {
    Migration m;
    m.revision = spec.revision;
    m.down_revisions = spec.down;
    m.branch_labels = spec.labels;
    m.depends_on = spec.depends_on;
    m.message = "migration " + spec.revision;
    m.up_path = spec.revision + ".up.sql";
    m.down_path = spec.revision + ".down.sql";
    m.revision_line = kRevisionLine;
    m.down_revision_line = kDownRevisionLine;
    m.branch_labels_line = spec.labels.empty() ? 0 : kBranchLabelsLine;
    m.depends_on_line = spec.depends_on.empty() ? 0 : kDependsOnLine;
    return m;
}

// Migrations in file order, as the script directory would hand them over.
inline RevisionGraph make_graph(const std::vector<Spec>& specs) {
    std::vector<Migration> migrations;
    for (const auto& spec : specs) {
        migrations.push_back(make_migration(spec));
    }
    return RevisionGraph(std::move(migrations));
}

// The test project of the Alembic reference (alembic.md section 3.2), in its file order.
inline constexpr std::string_view kUsers = "3f1c2a9e7b10";       // root, branch point
inline constexpr std::string_view kEmail = "7d4e8b2c1a05";       // child of users
inline constexpr std::string_view kOrders = "7db91f0e6c3a";      // child of users, label orders
inline constexpr std::string_view kMerge = "9a8b7c6d5e4f";       // merge of orders and email
inline constexpr std::string_view kCreatedAt = "e5f6a7b8c9d0";   // child of the merge
inline constexpr std::string_view kAudit = "5a5a00000001";       // second root, label audit
inline constexpr std::string_view kAuditEmail = "6b6b00000002";  // child of audit, needs email

inline std::vector<Spec> reference_specs(bool with_audit_branch = true) {
    std::vector<Spec> specs = {
        {std::string(kUsers)},
        {std::string(kEmail), {std::string(kUsers)}},
        {std::string(kOrders), {std::string(kUsers)}, {"orders"}},
        {std::string(kMerge), {std::string(kOrders), std::string(kEmail)}},
        {std::string(kCreatedAt), {std::string(kMerge)}},
    };
    if (with_audit_branch) {
        specs.push_back({std::string(kAudit), {}, {"audit"}});
        specs.push_back(
            {std::string(kAuditEmail), {std::string(kAudit)}, {}, {std::string(kEmail)}});
    }
    return specs;
}

// The whole section 3.2 graph.
inline RevisionGraph reference_graph() {
    return make_graph(reference_specs(true));
}

// The graph as it stood for transcripts t5, t6 and t12, before the audit branch was added.
inline RevisionGraph reference_graph_without_audit() {
    return make_graph(reference_specs(false));
}

// The index of a revision the test knows exists.
inline Rev rev(const RevisionGraph& graph, std::string_view id) {
    const auto r = graph.find(id);
    BOOST_TEST_REQUIRE(r.has_value(), "no revision " << id << " in the test graph");
    return *r;
}

inline std::vector<Rev> revs(const RevisionGraph& graph, const std::vector<std::string>& ids) {
    std::vector<Rev> out;
    for (const auto& id : ids) {
        out.push_back(rev(graph, id));
    }
    return out;
}

inline std::vector<std::string> ids(const RevisionGraph& graph, const std::vector<Rev>& list) {
    std::vector<std::string> out;
    for (const Rev r : list) {
        out.push_back(graph.id(r));
    }
    return out;
}

// The members of a set, in file order.
inline std::vector<std::string> ids(const RevisionGraph& graph, const RevSet& set) {
    std::vector<std::string> out;
    for (Rev r = 0; r < set.size(); ++r) {
        if (set[r]) {
            out.push_back(graph.id(r));
        }
    }
    return out;
}

inline std::string kind_name(RevisionError::Kind kind) {
    using Kind = RevisionError::Kind;
    switch (kind) {
        case Kind::kDuplicateRevision:
            return "duplicate revision";
        case Kind::kMissingParent:
            return "missing parent";
        case Kind::kMissingDependency:
            return "missing dependency";
        case Kind::kSelfLoop:
            return "self loop";
        case Kind::kDependencySelfLoop:
            return "dependency self loop";
        case Kind::kCycle:
            return "cycle";
        case Kind::kDependencyCycle:
            return "dependency cycle";
        case Kind::kDuplicateLabel:
            return "duplicate label";
        case Kind::kMultipleHeads:
            return "multiple heads";
        case Kind::kUnknownRevision:
            return "unknown revision";
        case Kind::kAmbiguousWalk:
            return "ambiguous walk";
        case Kind::kWalkedTooFar:
            return "walked too far";
        case Kind::kRelativeTooFar:
            return "relative too far";
        case Kind::kOverlap:
            return "overlap";
        case Kind::kNotAncestor:
            return "not ancestor";
        case Kind::kAmbiguousUpgrade:
            return "ambiguous upgrade";
        case Kind::kInvalid:
            return "invalid";
    }
    return "kind " + std::to_string(static_cast<int>(kind));
}

// "<kind>: <what()>" for the RevisionError `f` throws, so one comparison checks both and a
// failure shows the whole story. Other exceptions and no exception are reported as such.
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const RevisionError& e) {
        std::string what = e.what();
        if (what.rfind("Ambiguous walk:", 0) == 0) {
            // Alembic's "Ambiguous walk" only: the explanation and the commands it suggests are
            // checked on the binary (test/integration/ambiguous_walk_message_test.cpp).
            what = what.substr(0, what.find(':'));
        }
        return kind_name(e.kind()) + ": " + what;
    } catch (const std::exception& e) {
        return std::string("not a RevisionError: ") + e.what();
    }
    return "no error";
}

}  // namespace runner::test
