// `runner upgrade TARGET`: apply the target's missing ancestors, each in its own transaction.
#include <ostream>

#include "commands/commands.hpp"
#include "exec/executor.hpp"
#include "util/text.hpp"

namespace runner {
namespace po = boost::program_options;

int cmd_upgrade(Context& ctx, const Args& args) {
    po::options_description options("Options");
    po::options_description arguments;
    arguments.add_options()("target", po::value<std::string>()->required(), "target");
    po::positional_options_description positional;
    positional.add("target", 1);
    const auto vm = parse_args(
        ctx, args, "upgrade TARGET",
        "Apply every migration the target needs that the database lacks, oldest first, each in "
        "its\n"
        "own transaction. TARGET: head, heads, REV (or a unique prefix), LABEL@head, +N, REV+N.",
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
    const auto steps =
        with_target(graph, target, [&] { return plan_upgrade(graph, state, target); });
    if (steps.empty()) {
        ctx.err() << "Nothing to upgrade: " << ctx.db(OpenMode::kReadOnly).describe()
                  << " already has every migration '" << target << "' needs\n";
        return kExitOk;
    }
    Executor executor(graph, ctx.db(OpenMode::kReadWrite), ctx.err());
    executor.run(steps, Direction::kUpgrade);
    return kExitOk;
}

}  // namespace runner
