// `runner upgrade TARGET`: apply the target's missing ancestors, each in its own transaction.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "commands/run_plan.hpp"
#include "exec/offline_sql.hpp"
#include "plan/target.hpp"

namespace runner {

std::optional<PlanOptions> parse_upgrade(Context& ctx, const Args& args) {
    return parse_plan_command(
        ctx, args, "upgrade [--sql] [--atomic] [--backup] [--resume] [--format json] TARGET",
        "Apply every migration the target needs that the database lacks, oldest first, each in "
        "its\n"
        "own transaction. TARGET: head, heads, REV (or a unique prefix), LABEL@head, +N, REV+N.");
}

int run_upgrade(Context& ctx, const PlanOptions& options) {
    const std::string& target = options.target;
    const bool atomic = options.atomic;
    PlanRequest request = plan_request(ctx, Direction::kUpgrade, options);
    const RevisionGraph& graph = ctx.graph();
    // An Alembic database runner has not adopted: its migrations would run again.
    ctx.set_alembic_policy(Context::AlembicPolicy::kRefuse);
    if (options.sql) {
        VersionState from;
        std::string to = target;
        if (const auto range = parse_range(target)) {
            from = with_target(graph, range->lower, [&] {
                return state_from_applied(
                    graph, graph.get_revisions(range->lower.empty() ? "base" : range->lower));
            });
            to = range->upper.empty() ? "heads" : range->upper;
        } else {
            from = ctx.state(ctx.read());
        }
        const auto steps = with_target(graph, to, [&] { return plan_upgrade(graph, from, to); });
        ctx.raw_out() << offline_script(
            graph, ctx.read(), steps, Direction::kUpgrade,
            OfflineOptions{atomic, "runner upgrade " + target + " --sql"}, current_identity());
        return kExitOk;
    }
    if (target.find(':') != std::string::npos) {
        throw UsageError("Range revision not allowed: '" + target +
                         "' (ranges are for history and --sql)");
    }
    const auto loaded = ctx.load(ctx.read());
    const auto steps =
        with_target(graph, target, [&] { return plan_upgrade(graph, loaded.state, target); });
    return run_plan(ctx, loaded, steps, request);
}

}  // namespace runner
