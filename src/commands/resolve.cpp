// `runner resolve REV`: a non-transactional migration that failed part-way was finished by hand.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "exec/executor.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<ResolveOptions> parse_resolve(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("forget", po::bool_switch(),
                          "only remove the record that REV stopped part-way (for a revision no "
                          "migration file declares any more); records nothing as applied");
    po::options_description arguments;
    arguments.add_options()("rev", po::value<std::string>()->required(), "revision");
    po::positional_options_description positional;
    positional.add("rev", 1);
    const auto vm = parse_args(
        ctx, args, "resolve [--forget] REV",
        "Mark a non-transactional migration that stopped part-way as finished by hand: an upgrade\n"
        "is recorded as applied, a downgrade as reverted. (To continue it instead, run the same\n"
        "upgrade or downgrade again with --resume.)",
        options, arguments, positional);
    if (!vm) {
        return std::nullopt;
    }
    return ResolveOptions{(*vm)["rev"].as<std::string>(), (*vm)["forget"].as<bool>()};
}

int run_resolve(Context& ctx, const ResolveOptions& options) {
    const RevisionGraph& graph = ctx.graph();
    const std::string& rev = options.rev;
    if (options.forget) {
        for (const auto& p : ctx.read().bookkeeping().partials()) {
            if (p.revision == rev) {
                Executor(graph, ctx.writer(), ctx.err(), current_identity()).forget(rev);
                ctx.err() << "Forgot that the " << p.direction << " of " << rev
                          << " stopped part-way; nothing was recorded as applied or reverted\n";
                return kExitOk;
            }
        }
        throw Error("no failed migration is recorded for " + rev);
    }
    const Rev r = graph.resolve_ident(rev);
    const auto loaded = ctx.load(ctx.read());
    for (const auto& p : loaded.partials) {
        if (p.revision == graph.id(r)) {
            const Direction d =
                p.direction == "upgrade" ? Direction::kUpgrade : Direction::kDowngrade;
            Executor(graph, ctx.writer(), ctx.err(), current_identity()).resolve(r, d);
            ctx.err() << "Resolved " << p.direction << " of " << graph.id(r) << ": recorded as "
                      << (d == Direction::kUpgrade ? "applied" : "reverted") << "\n";
            return kExitOk;
        }
    }
    throw Error("no failed migration is recorded for " + graph.id(r) +
                " (resolve is for non-transactional migrations that stopped part-way)");
}

}  // namespace runner
