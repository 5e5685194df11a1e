// How `runner lint` shows its findings: one line each with what to do below it, or JSON.
#pragma once

#include <string>
#include <vector>

#include "lint/lint.hpp"

namespace runner {

struct LintSummary {
    std::size_t revisions = 0;
    std::size_t errors = 0;  // not silenced
    std::size_t warnings = 0;
    std::size_t silenced = 0;
};

LintSummary summarize_lint(const std::vector<LintFinding>& findings, std::size_t revisions);

// "FILE:LINE: SEVERITY CODE: MESSAGE" and "    fix: REMEDY" for each finding (silenced ones,
// marked so, only with `verbose`), then one summary line "lint: N revisions: ...".
std::string render_lint_text(const std::vector<LintFinding>& findings, const LintSummary& summary,
                             bool verbose);

// {"command":"lint","ok":...,"findings":[...],...}; silenced findings only with `verbose`.
std::string render_lint_json(const std::vector<LintFinding>& findings, const LintSummary& summary,
                             bool verbose, int exit_code);

}  // namespace runner
