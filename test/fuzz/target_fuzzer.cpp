// libFuzzer target for the target grammar: any string, resolved and planned against a fixed graph
// from several database states, gives a result or a runner::Error, and every plan keeps the
// database closed under ancestry.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/revision_graph.hpp"
#include "plan/planner.hpp"
#include "plan/target.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

struct Spec {
    std::string revision;
    std::vector<std::string> down = {};
    std::vector<std::string> labels = {};
    std::vector<std::string> depends_on = {};
};

// Two roots; a branch point with labelled lanes that merge again; a second branch point with
// two heads whose ids share the prefix "abcd"; a short id that is a prefix of another ("2b3c"),
// a three-character id ("abc"), an all-digit id, and depends_on on a revision and on a label.
const std::vector<Spec> kSpecs = {
    {"1a2b3c4d0001", {}, {"core"}},
    {"1a2b3c4d0002", {"1a2b3c4d0001"}},
    {"2b3c", {"1a2b3c4d0002"}, {"left"}},
    {"2b3c4d5e0004", {"1a2b3c4d0002"}, {"right"}},
    {"5e5e00000005", {"2b3c"}},
    {"9f9f00000006", {"5e5e00000005", "2b3c4d5e0004"}},
    {"abc", {"9f9f00000006"}},
    {"abcd00000008", {"abc"}, {"stable"}},
    {"abcd00000009", {"abc"}},
    {"70000000000a", {}, {"audit"}},
    {"70000000000b", {"70000000000a"}, {}, {"2b3c4d5e0004"}},
    {"deadbeef000c", {"70000000000b"}, {}, {"left"}},
    {"20240101", {"deadbeef000c"}},
};

RevisionGraph make_graph() {
    std::vector<Migration> migrations;
    for (const auto& spec : kSpecs) {
        Migration m;
        m.revision = spec.revision;
        m.down_revisions = spec.down;
        m.branch_labels = spec.labels;
        m.depends_on = spec.depends_on;
        m.message = "migration " + spec.revision;
        m.up_path = spec.revision + ".up.sql";
        m.down_path = spec.revision + ".down.sql";
        m.revision_line = 1;
        m.down_revision_line = 2;
        m.branch_labels_line = spec.labels.empty() ? 0 : 3;
        m.depends_on_line = spec.depends_on.empty() ? 0 : 4;
        migrations.push_back(std::move(m));
    }
    return RevisionGraph(std::move(migrations));
}

const RevisionGraph& graph() {
    static const RevisionGraph g = make_graph();
    return g;
}

// Database states: what was applied (with its ancestors).
const std::vector<std::vector<std::string>> kApplied = {
    {},
    {"1a2b3c4d0002"},
    {"5e5e00000005", "2b3c4d5e0004"},
    {"9f9f00000006"},
    {"abcd00000008", "70000000000a"},
    {"abcd00000008", "abcd00000009", "20240101"},
};

const std::vector<VersionState>& states() {
    static const std::vector<VersionState> all = [] {
        std::vector<VersionState> out;
        for (const auto& ids : kApplied) {
            std::vector<Rev> revs;
            for (const auto& id : ids) {
                revs.push_back(*graph().find(id));
            }
            out.push_back(state_from_applied(graph(), revs));
        }
        return out;
    }();
    return all;
}

std::string names(const std::vector<Rev>& revs) {
    std::vector<std::string> out;
    for (const Rev r : revs) {
        out.push_back(r < graph().size() ? graph().id(r) : "#" + std::to_string(r));
    }
    return "[" + join(out, ", ") + "]";
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

// What is being fuzzed right now, for failure reports.
struct Context {
    std::string_view input;
    std::string call;
};
Context context;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "\ntarget_fuzzer: %s: %s\n  input: '%s'\n", context.call.c_str(),
                 what.c_str(), printable(context.input, 2000).c_str());
    std::abort();
}

// Runs f; a runner::Error is an answer, any other exception a finding.
template <class F>
void expect_only_runner_errors(std::string call, F&& f) {
    context.call = std::move(call);
    try {
        f();
    } catch (const Error&) {
    } catch (const std::exception& e) {
        fail(std::string("threw a non-runner::Error: ") + e.what());
    }
}

void check_revs(const std::vector<Rev>& revs) {
    for (const Rev r : revs) {
        if (r >= graph().size()) {
            fail("revision index out of range in " + names(revs));
        }
    }
}

void check_closed(const RevSet& applied, const char* after) {
    const RevSet closure = graph().ancestors(members(applied), true);
    if (closure != applied) {
        fail(std::string("not closed under ancestry after ") + after + ": " +
             names(members(applied)) + " needs " + names(members(closure)));
    }
}

std::string state_name(const VersionState& state) {
    return "applied " + names(members(state.applied));
}

void check_upgrade(const VersionState& state, std::string_view target) {
    const auto plan = plan_upgrade(graph(), state, target);
    check_revs(plan);
    RevSet now = state.applied;
    for (const Rev r : plan) {
        if (now[r]) {
            fail("plan " + names(plan) + " applies " + graph().id(r) + " again");
        }
        for (const Rev p : graph().normalized_parents(r)) {
            if (!now[p]) {
                fail("plan " + names(plan) + " applies " + graph().id(r) + " before its parent " +
                     graph().id(p));
            }
        }
        now[r] = 1;
    }
    check_closed(now, "upgrade");
    const auto targets = resolve_upgrade_targets(graph(), state, target);
    check_revs(targets);
    for (const Rev t : targets) {
        if (!now[t]) {
            fail("plan " + names(plan) + " leaves target " + graph().id(t) + " unapplied");
        }
    }
}

void check_downgrade(const VersionState& state, std::string_view target) {
    const auto plan = plan_downgrade(graph(), state, target).steps;
    check_revs(plan);
    RevSet now = state.applied;
    for (const Rev r : plan) {
        if (!now[r]) {
            fail("plan " + names(plan) + " reverts unapplied " + graph().id(r));
        }
        now[r] = 0;
        for (const Rev c : graph().all_children(r)) {
            const auto& ps = graph().normalized_parents(c);
            if (now[c] && std::find(ps.begin(), ps.end(), r) != ps.end()) {
                fail("plan " + names(plan) + " reverts " + graph().id(r) + " before its child " +
                     graph().id(c));
            }
        }
    }
    check_closed(now, "downgrade");
    if (const auto kept = graph().find(target); kept && state.applied[*kept]) {
        if (!now[*kept]) {
            fail("downgrade to an applied revision reverts it: " + names(plan));
        }
    }
}

void check_stamp(const VersionState& state, const std::vector<std::string>& targets) {
    const auto rows = plan_stamp(graph(), state.rows, targets);
    check_revs(rows);
    for (const Rev r : rows) {
        if (std::count(rows.begin(), rows.end(), r) != 1) {
            fail("rows repeat: " + names(rows));
        }
        const RevSet anc = graph().ancestors({r}, true);
        for (const Rev o : rows) {
            if (o != r && anc[o]) {
                fail("row " + graph().id(o) + " is an ancestor of row " + graph().id(r) + ": " +
                     names(rows));
            }
        }
    }
}

void check_history(const VersionState& state, std::string_view lower, std::string_view upper) {
    const auto revs = history_range(graph(), state.rows, lower, upper);
    check_revs(revs);
    RevSet seen(graph().size(), 0);
    for (const Rev r : revs) {
        if (seen[r]) {
            fail("history repeats " + graph().id(r) + ": " + names(revs));
        }
        for (const Rev p : graph().normalized_parents(r)) {
            if (seen[p]) {
                fail("history lists " + graph().id(p) + " before its child " + graph().id(r) +
                     ": " + names(revs));
            }
        }
        seen[r] = 1;
    }
}

void check_relative(std::string_view target) {
    const auto rel = parse_relative(target);
    if (!rel) {
        return;
    }
    const std::string rebuilt =
        (rel->branch ? *rel->branch + "@" : "") + rel->symbol.value_or("") + rel->steps_text;
    if (rebuilt != target) {
        fail("parsed into pieces that spell '" + printable(rebuilt) + "'");
    }
    const int count = std::stoi(rel->steps_text.substr(1));
    if (rel->steps != (rel->steps_text[0] == '-' ? -count : count)) {
        fail("steps " + std::to_string(rel->steps) + " from '" + rel->steps_text + "'");
    }
}

void fuzz_target(std::string_view target) {
    expect_only_runner_errors("parse_relative", [&] { check_relative(target); });
    expect_only_runner_errors("parse_range", [&] {
        if (const auto range = parse_range(target)) {
            if (range->lower.find(':') != std::string::npos ||
                range->lower + ":" + range->upper != target) {
                fail("split into '" + range->lower + "' and '" + range->upper + "'");
            }
        }
    });
    expect_only_runner_errors("get_revisions", [&] { check_revs(graph().get_revisions(target)); });
    expect_only_runner_errors("get_revision", [&] { graph().get_revision(target); });
    expect_only_runner_errors("resolve_branch", [&] { graph().resolve_branch(target); });

    // Several stamp targets: one per line of the input.
    std::vector<std::string> stamp_targets;
    for (std::size_t start = 0;;) {
        const auto nl = target.find('\n', start);
        stamp_targets.emplace_back(target.substr(start, nl - start));
        if (nl == std::string_view::npos) {
            break;
        }
        start = nl + 1;
    }

    const auto range = parse_range(target);
    for (const auto& state : states()) {
        const std::string in = " from " + state_name(state);
        expect_only_runner_errors("plan_upgrade" + in, [&] { check_upgrade(state, target); });
        expect_only_runner_errors("resolve_upgrade_targets(clamp)" + in, [&] {
            check_revs(resolve_upgrade_targets(graph(), state, target, true));
        });
        expect_only_runner_errors("plan_downgrade" + in, [&] { check_downgrade(state, target); });
        expect_only_runner_errors("plan_stamp" + in, [&] { check_stamp(state, stamp_targets); });
        expect_only_runner_errors("plan_stamp --purge" + in, [&] {
            VersionState purged;
            purged.applied.assign(graph().size(), 0);
            check_stamp(purged, stamp_targets);
        });
        if (range) {
            expect_only_runner_errors("history_range" + in,
                                      [&] { check_history(state, range->lower, range->upper); });
        } else {
            expect_only_runner_errors("history_range(target:)" + in,
                                      [&] { check_history(state, target, ""); });
            expect_only_runner_errors("history_range(:target)" + in,
                                      [&] { check_history(state, "", target); });
        }
    }
}

}  // namespace
}  // namespace runner

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    runner::context.input = std::string_view(reinterpret_cast<const char*>(data), size);
    runner::fuzz_target(runner::context.input);
    return 0;
}
