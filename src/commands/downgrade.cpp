// `runner downgrade TARGET`: revert what lies above the target, newest first.
#include <ostream>

#include "commands/commands.hpp"
#include "exec/executor.hpp"

namespace runner {
namespace po = boost::program_options;

int cmd_downgrade(Context& ctx, const Args& args) {
    po::options_description options("Options");
    po::options_description arguments;
    arguments.add_options()("target", po::value<std::string>()->required(), "target");
    po::positional_options_description positional;
    positional.add("target", 1);
    const auto vm = parse_args(
        ctx, args, "downgrade TARGET",
        "Revert applied migrations above the target, newest first, each in its own transaction.\n"
        "TARGET: -N, REV (or a unique prefix), base, LABEL@base, LABEL@-N, REV-N.",
        options, arguments, positional);
    if (!vm) {
        return kExitOk;
    }
    const auto target = (*vm)["target"].as<std::string>();
    if (target.find(':') != std::string::npos) {
        throw UsageError("Range revision not allowed: '" + target +
                         "' (ranges are for history and offline SQL)");
    }
    const RevisionGraph& graph = ctx.graph();
    const VersionState state = ctx.state(ctx.db(OpenMode::kReadOnly));
    const auto plan =
        with_target(graph, target, [&] { return plan_downgrade(graph, state, target); });
    if (plan.steps.empty()) {
        ctx.err() << "Nothing to downgrade: " << ctx.db(OpenMode::kReadOnly).describe()
                  << " has nothing applied above '" << target << "'\n";
        return kExitOk;
    }
    Executor executor(graph, ctx.db(OpenMode::kReadWrite), ctx.err());
    executor.run(plan.steps, Direction::kDowngrade);
    return kExitOk;
}

}  // namespace runner
