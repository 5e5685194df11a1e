// The lint checks on file-name numbers: NNNN_ prefixes that collide or contradict the graph.
#include <map>
#include <optional>

#include "lint/lint.hpp"

namespace runner {
namespace {

std::string base_name(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The number a file name starts with ("0012_add_x.up.sql" -> 12), or nothing.
std::optional<unsigned long long> prefix_of(const std::string& path) {
    const auto name = base_name(path);
    std::size_t digits = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') {
        ++digits;
    }
    if (digits == 0 || digits > 18 || digits >= name.size() || name[digits] != '_') {
        return std::nullopt;
    }
    return std::stoull(name.substr(0, digits));
}

LintFinding finding(const RevisionGraph& graph, Rev r, std::string_view code, std::string message) {
    const LintRule* rule = find_lint_rule(code);
    LintFinding f;
    f.code = std::string(code);
    f.severity = rule->severity;
    f.file = graph.migration(r).up_path;
    f.line = 0;
    f.revision = graph.id(r);
    f.message = std::move(message);
    f.remedy = std::string(rule->remedy);
    return f;
}

}  // namespace

std::vector<LintFinding> lint_file_prefixes(const RevisionGraph& graph) {
    const std::size_t n = graph.size();
    std::vector<std::optional<unsigned long long>> prefix(n);
    std::map<unsigned long long, std::vector<Rev>> by_number;
    for (Rev r = 0; r < n; ++r) {
        prefix[r] = prefix_of(graph.migration(r).up_path);
        if (prefix[r]) {
            by_number[*prefix[r]].push_back(r);
        }
    }
    std::vector<LintFinding> out;
    for (const auto& [number, revs] : by_number) {
        for (std::size_t i = 1; i < revs.size(); ++i) {
            out.push_back(finding(graph, revs[i], "prefix-collision",
                                  base_name(graph.migration(revs[i]).up_path) +
                                      " has the same number as " +
                                      base_name(graph.migration(revs[0]).up_path)));
        }
    }
    // For each revision, its highest-numbered ancestor (through down_revision and depends_on),
    // computed once per revision in an iterative depth-first order.
    std::vector<std::optional<Rev>> highest(n);
    std::vector<char> state(n, 0);  // 0 new, 1 on the stack, 2 done
    for (Rev root = 0; root < n; ++root) {
        std::vector<Rev> stack{root};
        while (!stack.empty()) {
            const Rev r = stack.back();
            if (state[r] == 2) {
                stack.pop_back();
                continue;
            }
            const auto& parents = graph.parents(r);
            const auto& deps = graph.dependencies(r);
            if (state[r] == 0) {
                state[r] = 1;
                for (const auto* list : {&parents, &deps}) {
                    for (const Rev p : *list) {
                        if (state[p] == 0) {
                            stack.push_back(p);
                        }
                    }
                }
                continue;
            }
            std::optional<Rev> best;
            const auto consider = [&](std::optional<Rev> c) {
                if (c && prefix[*c] && (!best || *prefix[*c] > *prefix[*best])) {
                    best = c;
                }
            };
            for (const auto* list : {&parents, &deps}) {
                for (const Rev p : *list) {
                    consider(p);
                    consider(highest[p]);
                }
            }
            highest[r] = best;
            state[r] = 2;
            stack.pop_back();
        }
    }
    for (Rev r = 0; r < n; ++r) {
        if (prefix[r] && highest[r] && *prefix[*highest[r]] > *prefix[r]) {
            const Rev above = *highest[r];
            out.push_back(finding(graph, r, "prefix-order",
                                  base_name(graph.migration(r).up_path) + " comes after " +
                                      base_name(graph.migration(above).up_path) + " (revision " +
                                      graph.id(above) + ") in the graph but has a lower number"));
        }
    }
    return out;
}

}  // namespace runner
