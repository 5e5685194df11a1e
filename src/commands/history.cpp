// `runner history`: revisions newest first, Alembic's layout.
#include <algorithm>
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "plan/target.hpp"
#include "present/reports.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<HistoryOptions> parse_history(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("rev-range,r", po::value<std::string>(),
                          "LOWER:UPPER, e.g. base:head, -3:, current:, a:b")(
        "verbose,v", po::bool_switch(), "show each revision in full, with whether it is applied")(
        "indicate-current,i", po::bool_switch(), "mark the database's current revision(s)")(
        "log-limit", po::value<int>()->default_value(10),
        "with -v or json: the newest N audit-log entries per revision (0: all)");
    add_format_option(options,
                      "text or json (json includes what the database records, when reachable)");
    const auto vm = parse_args(ctx, args, "history [-v] [-i] [-r LOWER:UPPER] [--log-limit N]",
                               "List revisions, newest first.", options);
    if (!vm) {
        return std::nullopt;
    }
    HistoryOptions o;
    o.verbose = (*vm)["verbose"].as<bool>();
    o.indicate_current = (*vm)["indicate-current"].as<bool>();
    o.json = json_format(*vm);
    if (vm->count("rev-range") != 0) {
        const auto range = (*vm)["rev-range"].as<std::string>();
        const auto parsed = parse_range(range);
        if (!parsed) {
            throw UsageError("History range requires [start]:[end], [start]:, or :[end] (got '" +
                             range + "')");
        }
        o.lower = parsed->lower;
        o.upper = parsed->upper;
    }
    const int log_limit = (*vm)["log-limit"].as<int>();
    if (log_limit < 0) {
        throw UsageError("--log-limit takes a number of entries, 0 for all");
    }
    o.log_limit = static_cast<std::size_t>(log_limit);
    return o;
}

int run_history(Context& ctx, const HistoryOptions& options) {
    const bool verbose = options.verbose;
    const bool indicate = options.indicate_current;
    const bool json = options.json;
    const std::string& lower = options.lower;
    const std::string& upper = options.upper;
    const RevisionGraph& graph = ctx.graph();
    std::vector<Rev> rows;
    if (indicate || json || lower == "current" || upper == "current") {
        rows = ctx.state(ctx.reader()).rows;
    }
    AppliedInfo info = verbose || json ? ctx.applied_info() : AppliedInfo{};
    info.log_limit = options.log_limit;
    const auto revs = with_target(graph, upper.empty() ? "heads" : upper,
                                  [&] { return history_range(graph, rows, lower, upper); });
    if (json) {
        ctx.out() << revisions_report_json(graph, "revisions", revs, &info, rows) << "\n";
        return kExitOk;
    }
    std::string text;
    for (const Rev r : revs) {
        const bool current = indicate && std::find(rows.begin(), rows.end(), r) != rows.end();
        if (verbose) {
            text += log_entry(graph, r, current, &info);
        } else {
            LineStyle style;
            style.include_branches = true;
            style.include_doc = true;
            style.include_parents = true;
            style.current = current;
            text += revision_line(graph, r, style);
            text += '\n';
        }
    }
    ctx.out() << text;
    return kExitOk;
}

}  // namespace runner
