// `runner lint [REV...]`: the lint checks on the migration files (see lint/lint.hpp), each finding
// with its code, severity, file:line and what to do; exit 9 when one is an unsilenced error.
#include <algorithm>
#include <ostream>
#include <tuple>

#include <boost/filesystem/path.hpp>

#include "authoring/script_template.hpp"
#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "lint/lint.hpp"
#include "migration/header.hpp"
#include "migration/script_directory.hpp"
#include "plan/planner.hpp"
#include "present/lint_report.hpp"

namespace runner {
namespace po = boost::program_options;

namespace {
constexpr const char* kUsage = "lint [--verbose] [--format json] [REV...]";

std::string codes_help() {
    std::string text = "Codes (severity: what it finds):\n";
    for (const auto& rule : lint_rules()) {
        text += "  " + std::string(rule.code) + " (" + severity_name(rule.severity) +
                "): " + std::string(rule.summary) + "\n";
    }
    return text;
}

// The template `runner revision` fills in for this directory (its own, else the built-in one).
std::string template_text(const std::string& dir, const char* name, std::string_view fallback) {
    const std::string path = (boost::filesystem::path(dir) / name).lexically_normal().string();
    if (auto text = read_file_if_exists(path)) {
        return std::move(*text);
    }
    return std::string(fallback);
}

LintFile lint_file(const std::string& path, const std::string& revision, bool transactional,
                   std::string template_of, bool merge) {
    LintFile f;
    f.path = path;
    f.revision = revision;
    f.text = read_file(path);
    f.transactional = transactional;
    f.ignored = parse_header(f.text, path).lint_ignore;
    f.template_text = std::move(template_of);
    f.merge = merge;
    return f;
}

}  // namespace

std::optional<LintOptions> parse_lint(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("verbose,v", po::bool_switch(),
                          "also show the findings silenced by lint_ignore");
    add_format_option(options);
    po::options_description arguments;
    arguments.add_options()("revisions", po::value<std::vector<std::string>>(), "revisions");
    po::positional_options_description positional;
    positional.add("revisions", -1);
    static const std::string description =
        "Check the migration files for mistakes: statements that cannot work in runner's\n"
        "transaction, empty or untouched files, file numbers that contradict the graph. Only\n"
        "the REVs given (revision ids, prefixes, labels), else every revision. Each finding is\n"
        "one line: FILE:LINE: SEVERITY CODE: MESSAGE, with what to do below it. A finding is\n"
        "silenced on purpose in the file itself: a header line '-- lint_ignore: CODE, ...'\n"
        "(the whole file) or a comment '-- lint_ignore: CODE' on the line right above the\n"
        "statement; --verbose shows silenced findings.\n" +
        codes_help() +
        "Exit codes: 0 no error-severity finding (warnings allowed), 9 at least one, 1 error.";
    const auto vm =
        parse_args(ctx, args, kUsage, description.c_str(), options, arguments, positional);
    if (!vm) {
        return std::nullopt;
    }
    LintOptions o;
    o.verbose = (*vm)["verbose"].as<bool>();
    o.json = json_format(*vm);
    if (vm->count("revisions") != 0) {
        o.revisions = (*vm)["revisions"].as<std::vector<std::string>>();
    }
    return o;
}

int run_lint(Context& ctx, const LintOptions& o) {
    const RevisionGraph& graph = ctx.graph();
    RevSet selected(graph.size(), o.revisions.empty() ? 1 : 0);
    for (const auto& rev : o.revisions) {
        for (const Rev r : with_target(graph, rev, [&] { return graph.get_revisions(rev); })) {
            selected[r] = 1;
        }
    }
    const std::vector<Rev> order = parents_first(graph, selected);
    const std::string& dir = ctx.settings().dir;
    const std::string up_template = template_text(dir, kUpTemplateFile, kDefaultUpTemplate);
    const std::string down_template = template_text(dir, kDownTemplateFile, kDefaultDownTemplate);

    std::vector<LintFinding> findings;
    std::vector<LintFile> files;  // the up file of each selected revision, for silencing
    for (const Rev r : order) {
        const Migration& m = graph.migration(r);
        const bool merge = m.down_revisions.size() > 1;
        LintFile up = lint_file(m.up_path, m.revision, m.up_transactional, up_template, merge);
        for (auto& f : lint_file_text(up)) {
            findings.push_back(std::move(f));
        }
        if (!m.down_path.empty()) {
            const LintFile down =
                lint_file(m.down_path, m.revision, m.down_transactional, down_template, merge);
            for (auto& f : lint_file_text(down)) {
                findings.push_back(std::move(f));
            }
        }
        files.push_back(std::move(up));
    }
    // Prefix findings concern the up file of the revision named.
    std::vector<LintFinding> prefixes = lint_file_prefixes(graph);
    for (const auto& file : files) {
        apply_lint_silencing(file, prefixes);
    }
    for (auto& f : prefixes) {
        if (const auto r = graph.find(f.revision); r && selected[*r]) {
            findings.push_back(std::move(f));
        }
    }
    std::stable_sort(findings.begin(), findings.end(),
                     [](const LintFinding& a, const LintFinding& b) {
                         return std::tie(a.file, a.line) < std::tie(b.file, b.line);
                     });
    const LintSummary summary = summarize_lint(findings, order.size());
    const int code = summary.errors == 0 ? kExitOk : kExitLint;
    if (o.json) {
        ctx.out() << render_lint_json(findings, summary, o.verbose, code) << "\n";
    } else {
        ctx.out() << render_lint_text(findings, summary, o.verbose);
    }
    return code;
}

}  // namespace runner
