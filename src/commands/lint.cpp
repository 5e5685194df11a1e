// `runner lint [REV...]`: the lint checks on the migration files (see lint/lint.hpp), each finding
// with its code, severity, file:line and what to do; exit 9 when one is an unsilenced error.
#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <tuple>

#include <boost/filesystem/path.hpp>

#include "authoring/script_template.hpp"
#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "db/dialect.hpp"
#include "db/open.hpp"
#include "exec/verify.hpp"
#include "lint/lint.hpp"
#include "migration/header.hpp"
#include "migration/script_directory.hpp"
#include "plan/planner.hpp"
#include "present/lint_report.hpp"
#include "schema/sql_lexer.hpp"

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
                   std::string template_of, bool merge, bool postgres) {
    LintFile f;
    f.dollar_quotes = postgres;
    f.path = path;
    f.revision = revision;
    f.text = read_file(path);
    f.transactional = transactional;
    f.ignored = parse_header(f.text, path).lint_ignore;
    f.template_text = std::move(template_of);
    f.merge = merge;
    return f;
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

// Whether a static finding already points at `file`:`line` (then a failure there is explained).
bool explained(const std::vector<LintFinding>& findings, const std::string& file, int line) {
    return line > 0 && std::any_of(findings.begin(), findings.end(), [&](const LintFinding& f) {
               return f.file == file && f.line == line;
           });
}

// The dynamic checks: every selected revision up, down and up again on a scratch database
// (verify's walk), what each up did to the schema compared by lint_schema_change on the parts of
// the schemas before and after it that the up touched (read without building the whole).
std::vector<LintFinding> lint_on_scratch(Context& ctx, const RevisionGraph& graph,
                                         const std::vector<Rev>& order,
                                         const std::map<Rev, std::pair<LintFile, LintFile>>& files,
                                         const std::vector<LintFinding>& static_findings) {
    std::vector<LintFinding> out;
    const DatabaseFactory fresh = [&ctx] { return ctx.open_scratch(); };
    VerifyHooks hooks;
    hooks.after_up = [&](Rev r, Database& db, const Snapshot& before, const Snapshot& after,
                         const std::set<std::string>& changed) {
        const auto it = files.find(r);
        if (it == files.end()) {
            return;
        }
        const LintFile& up = it->second.first;
        LintScope scope = lint_scope(up.text);
        for (const auto& name : changed) {
            scope.tables.insert(fold_name(name));
        }
        const auto [was, is] = lint_schema_parts(
            scope, [&](const auto& keep) { return before.select(keep); },
            [&](const auto& keep) { return after.select(keep); });
        std::vector<std::string> broken;
        if (lint_renames(up.text)) {
            Connection& c = db.connection();
            for (const ViewDef& view : is.views) {
                try {
                    c.query("SELECT * FROM " + c.dialect().table(view.name) + " LIMIT 0", {},
                            "querying a view after a rename");
                } catch (const Error& e) {
                    broken.push_back("view '" + view.name +
                                     "' no longer works after the rename: " + first_line(e.what()));
                }
            }
        }
        for (auto& f : lint_schema_change(up, was, is, broken)) {
            out.push_back(std::move(f));
        }
    };
    // An up whose statements all ran but whose foreign-key check failed ("foreign key
    // mismatch"): a foreign key to a column that does not exist explains it at its statement.
    std::set<Rev> explained_ups;
    hooks.up_failed = [&](Rev r, const Snapshot& before, const VerifyProblem&,
                          const std::optional<Schema>& left) {
        const auto it = files.find(r);
        if (it == files.end() || !left) {
            return;
        }
        auto found = lint_schema_change(it->second.first, before.schema(), *left);
        if (std::none_of(found.begin(), found.end(),
                         [](const LintFinding& f) { return f.code == "fk-missing-target"; })) {
            return;
        }
        explained_ups.insert(r);
        for (auto& f : found) {
            out.push_back(std::move(f));
        }
    };
    const VerifyReport report = verify_revisions(graph, order, fresh, hooks);
    std::set<Rev> bad_down;  // a second up after a bad down fails for the down's reason
    for (const VerifyProblem& p : report.problems) {
        const auto it = files.find(p.rev);
        if (it == files.end() || (p.step == "up again" && bad_down.count(p.rev) != 0) ||
            (p.step == "up" && explained_ups.count(p.rev) != 0)) {
            continue;
        }
        if (p.step == "down") {
            bad_down.insert(p.rev);
        }
        const LintFile& file =
            p.path == it->second.first.path ? it->second.first : it->second.second;
        if (p.failed && explained(static_findings, p.path, p.line)) {
            continue;
        }
        LintFinding f;
        f.code = p.failed || p.differences.empty() ? "migration-fails" : "down-not-undone";
        const LintRule* rule = find_lint_rule(f.code);
        f.severity = rule->severity;
        f.file = p.path;
        f.line = p.line;
        f.revision = graph.id(p.rev);
        f.message = first_line(p.message);
        if (!p.differences.empty()) {
            f.message += ": " + first_line(render_differences_text(p.differences));
            if (p.differences.size() > 1) {
                f.message += " (and " + std::to_string(p.differences.size() - 1) + " more)";
            }
        }
        f.remedy = std::string(rule->remedy);
        std::vector<LintFinding> one{std::move(f)};
        apply_lint_silencing(file, one);
        out.push_back(std::move(one.front()));
    }
    return out;
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
        "transaction, empty or untouched files, file numbers that contradict the graph; then,\n"
        "on a scratch database in memory, every revision up, down and up again (as verify)\n"
        "and what each up did to the schema: data loss, rebuilds that lose indexes, triggers\n"
        "or views, foreign keys without an index or a target, renames that rewrite views. Only\n"
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
    // A PostgreSQL project's files are read in its dialect ($$-quoted function bodies).
    const bool postgres = names_postgres(ctx.settings().db_url);
    const std::string up_template = template_text(dir, kUpTemplateFile, kDefaultUpTemplate);
    const std::string down_template = template_text(dir, kDownTemplateFile, kDefaultDownTemplate);

    std::vector<LintFinding> findings;
    std::map<Rev, std::pair<LintFile, LintFile>> files;  // up and down of each selected revision
    for (const Rev r : order) {
        const Migration& m = graph.migration(r);
        const bool merge = m.down_revisions.size() > 1;
        LintFile up =
            lint_file(m.up_path, m.revision, m.up_transactional, up_template, merge, postgres);
        for (auto& f : lint_file_text(up)) {
            findings.push_back(std::move(f));
        }
        LintFile down;
        if (!m.down_path.empty()) {
            down = lint_file(m.down_path, m.revision, m.down_transactional, down_template, merge,
                             postgres);
            for (auto& f : lint_file_text(down)) {
                findings.push_back(std::move(f));
            }
        }
        files.emplace(r, std::pair{std::move(up), std::move(down)});
    }
    // Prefix findings concern the up file of the revision named.
    std::vector<LintFinding> prefixes = lint_file_prefixes(graph);
    for (const auto& [r, pair] : files) {
        apply_lint_silencing(pair.first, prefixes);
    }
    for (auto& f : prefixes) {
        if (const auto r = graph.find(f.revision); r && selected[*r]) {
            findings.push_back(std::move(f));
        }
    }
    for (auto& f : lint_on_scratch(ctx, graph, order, files, findings)) {
        findings.push_back(std::move(f));
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
