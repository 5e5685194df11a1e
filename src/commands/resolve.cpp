// `runner resolve REV`: a non-transactional migration that failed part-way was finished by hand.
#include <ostream>

#include "commands/commands.hpp"
#include "exec/executor.hpp"

namespace runner {
namespace po = boost::program_options;

int cmd_resolve(Context& ctx, const Args& args) {
    po::options_description options("Options");
    po::options_description arguments;
    arguments.add_options()("rev", po::value<std::string>()->required(), "revision");
    po::positional_options_description positional;
    positional.add("rev", 1);
    const auto vm = parse_args(
        ctx, args, "resolve REV",
        "Mark a non-transactional migration that stopped part-way as finished by hand: an upgrade\n"
        "is recorded as applied, a downgrade as reverted. (To continue it instead, run the same\n"
        "upgrade or downgrade again with --resume.)",
        options, arguments, positional);
    if (!vm) {
        return kExitOk;
    }
    const RevisionGraph& graph = ctx.graph();
    const Rev r = graph.resolve_ident((*vm)["rev"].as<std::string>());
    const auto loaded = ctx.load(ctx.db(OpenMode::kReadOnly));
    for (const auto& p : loaded.partials) {
        if (p.revision == graph.id(r)) {
            const Direction d =
                p.direction == "upgrade" ? Direction::kUpgrade : Direction::kDowngrade;
            Executor(graph, ctx.db(OpenMode::kReadWrite), ctx.err(), current_identity())
                .resolve(r, d);
            ctx.err() << "Resolved " << p.direction << " of " << graph.id(r) << ": recorded as "
                      << (d == Direction::kUpgrade ? "applied" : "reverted") << "\n";
            return kExitOk;
        }
    }
    throw Error("no failed migration is recorded for " + graph.id(r) +
                " (resolve is for non-transactional migrations that stopped part-way)");
}

}  // namespace runner
