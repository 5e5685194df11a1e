// `runner reset --yes`: back up, then rebuild the database from base to the heads.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "commands/run_plan.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<ResetOptions> parse_reset(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("yes", po::bool_switch(), "confirm: this reverts every migration");
    add_format_option(options);
    const auto vm =
        parse_args(ctx, args, "reset --yes",
                   "Destructive: back up the database, downgrade to base (running every "
                   "down file), then upgrade to the heads.",
                   options);
    if (!vm) {
        return std::nullopt;
    }
    if (!(*vm)["yes"].as<bool>()) {
        throw UsageError(
            "reset reverts every migration and loses their data; add --yes to confirm");
    }
    return ResetOptions{json_format(*vm)};
}

int run_reset(Context& ctx, const ResetOptions& options) {
    const bool json = options.json;
    const RevisionGraph& graph = ctx.graph();
    ctx.set_alembic_policy(Context::AlembicPolicy::kRefuse);
    // One report for both halves: a pipeline parses one JSON document.
    PlanReport report;
    try {
        auto loaded = ctx.load(ctx.read());
        const auto down = plan_downgrade(graph, loaded.state, "base");
        execute_plan(ctx, loaded, down.steps,
                     PlanRequest{Direction::kDowngrade, "base", false, true, false, json}, report);
        loaded = ctx.load(ctx.read());
        const auto up = plan_upgrade(graph, loaded.state, "heads");
        execute_plan(ctx, loaded, up,
                     PlanRequest{Direction::kUpgrade, "heads", false, false, false, json}, report);
    } catch (const Error& e) {
        if (json) {
            ctx.out() << plan_report_json(graph, "reset", "heads", ctx.read().describe(), report,
                                          &e)
                      << "\n";
        }
        throw;
    }
    if (json) {
        ctx.out() << plan_report_json(graph, "reset", "heads", ctx.read().describe(), report,
                                      nullptr)
                  << "\n";
    }
    return kExitOk;
}

}  // namespace runner
