// How `runner lint` shows its findings; see lint_report.hpp.
#include "present/lint_report.hpp"

#include <algorithm>

#include "util/json.hpp"

namespace runner {
namespace {

// A finding about a whole file points at its first line.
int shown_line(const LintFinding& f) {
    return std::max(f.line, 1);
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

LintSummary summarize_lint(const std::vector<LintFinding>& findings, std::size_t revisions) {
    LintSummary s;
    s.revisions = revisions;
    for (const auto& f : findings) {
        if (f.silenced) {
            ++s.silenced;
        } else if (f.severity == LintSeverity::kError) {
            ++s.errors;
        } else {
            ++s.warnings;
        }
    }
    return s;
}

std::string render_lint_text(const std::vector<LintFinding>& findings, const LintSummary& summary,
                             bool verbose) {
    std::string out;
    for (const auto& f : findings) {
        if (f.silenced && !verbose) {
            continue;
        }
        out += f.file + ":" + std::to_string(shown_line(f)) + ": " +
               (f.silenced ? "silenced " : "") + severity_name(f.severity) + " " + f.code + ": " +
               f.message + "\n";
        if (!f.silenced && !f.remedy.empty()) {
            out += "    fix: " + f.remedy + "\n";
        }
    }
    out += "lint: " + plural(summary.revisions, "revision", "revisions") + ": " +
           plural(summary.errors, "error", "errors") + ", " +
           plural(summary.warnings, "warning", "warnings");
    if (summary.silenced > 0) {
        out += ", " + std::to_string(summary.silenced) + " silenced by lint_ignore" +
               (verbose ? "" : " (--verbose shows them)");
    }
    out += "\n";
    return out;
}

std::string render_lint_json(const std::vector<LintFinding>& findings, const LintSummary& summary,
                             bool verbose, int exit_code) {
    std::vector<std::string> items;
    for (const auto& f : findings) {
        if (f.silenced && !verbose) {
            continue;
        }
        items.push_back(JsonObject()
                            .add("code", f.code)
                            .add("severity", severity_name(f.severity))
                            .add("file", f.file)
                            .add("line", shown_line(f))
                            .add("revision", f.revision)
                            .add("message", f.message)
                            .add("fix", f.remedy)
                            .add("silenced", f.silenced)
                            .str());
    }
    return JsonObject()
        .add("command", "lint")
        .add("ok", summary.errors == 0)
        .add("revisions", static_cast<std::int64_t>(summary.revisions))
        .add("errors", static_cast<std::int64_t>(summary.errors))
        .add("warnings", static_cast<std::int64_t>(summary.warnings))
        .add("silenced", static_cast<std::int64_t>(summary.silenced))
        .add_raw("findings", json_array(items))
        .add("exit_code", exit_code)
        .str();
}

}  // namespace runner
