// `runner downgrade TARGET`: revert what lies above the target, newest first.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "commands/run_plan.hpp"
#include "exec/offline_sql.hpp"
#include "plan/target.hpp"

namespace runner {

std::optional<PlanOptions> parse_downgrade(Context& ctx, const Args& args) {
    return parse_plan_command(
        ctx, args, "downgrade [--sql] [--atomic] [--backup] [--resume] [--format json] TARGET",
        "Revert applied migrations above the target, newest first, each in its own transaction.\n"
        "TARGET: -N, REV (or a unique prefix), base, LABEL@base, LABEL@-N, REV-N.");
}

int run_downgrade(Context& ctx, const PlanOptions& options) {
    const std::string& target = options.target;
    const bool atomic = options.atomic;
    PlanRequest request = plan_request(ctx, Direction::kDowngrade, options);
    const RevisionGraph& graph = ctx.graph();
    if (options.sql) {
        const auto range = parse_range(target);
        if (!range || range->lower.empty()) {
            throw UsageError(
                "downgrade with --sql requires FROM:TO (the database is not read), e.g. "
                "'downgrade --sql head:base'");
        }
        const VersionState from = with_target(graph, range->lower, [&] {
            return state_from_applied(graph, graph.get_revisions(range->lower));
        });
        const std::string to = range->upper.empty() ? "base" : range->upper;
        const auto plan = with_target(graph, to, [&] { return plan_downgrade(graph, from, to); });
        ctx.raw_out() << offline_script(
            graph, ctx.read(), plan.steps, Direction::kDowngrade,
            OfflineOptions{atomic, "runner downgrade " + target + " --sql"}, current_identity());
        return kExitOk;
    }
    if (target.find(':') != std::string::npos) {
        throw UsageError("Range revision not allowed: '" + target +
                         "' (ranges are for history and --sql)");
    }
    const auto loaded = ctx.load(ctx.read());
    const auto plan =
        with_target(graph, target, [&] { return plan_downgrade(graph, loaded.state, target); });
    return run_plan(ctx, loaded, plan.steps, request);
}

}  // namespace runner
