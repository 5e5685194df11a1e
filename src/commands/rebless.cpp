// `runner rebless REV... --reason TEXT`: accept edits to applied migrations, on the record.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "exec/drift.hpp"
#include "exec/executor.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<ReblessOptions> parse_rebless(Context& ctx, const Args& args) {
    po::options_description options("Options");
    po::options_description arguments;
    arguments.add_options()("rev", po::value<std::vector<std::string>>()->required(), "revisions");
    options.add_options()("reason", po::value<std::string>()->required(),
                          "why the edit is intended (kept in the audit log)");
    po::positional_options_description positional;
    positional.add("rev", -1);
    const auto vm = parse_args(
        ctx, args, "rebless REV [REV...] --reason TEXT",
        "Record that the current text of applied migrations is intended, after reviewing an edit\n"
        "(drift). Stores the new checksums and logs who did it and why.",
        options, arguments, positional);
    if (!vm) {
        return std::nullopt;
    }
    ReblessOptions o{(*vm)["rev"].as<std::vector<std::string>>(),
                     (*vm)["reason"].as<std::string>()};
    if (o.reason.find_first_not_of(" \t") == std::string::npos) {
        throw UsageError("--reason must say why the edit is intended");
    }
    return o;
}

int run_rebless(Context& ctx, const ReblessOptions& options) {
    const std::string& reason = options.reason;
    const RevisionGraph& graph = ctx.graph();
    const auto loaded = ctx.load(ctx.read());
    const auto drift = find_drift(graph, loaded.records);
    std::vector<Rev> revs;
    for (const auto& target : options.revisions) {
        const Rev r = graph.resolve_ident(target);
        if (!loaded.state.applied[r]) {
            throw Error("revision " + graph.id(r) +
                        " is not applied, so there is nothing to rebless");
        }
        revs.push_back(r);
    }
    Executor executor(graph, ctx.writer(), ctx.err(), current_identity());
    for (const Rev r : revs) {
        bool drifted = false;
        for (const auto& d : drift) {
            drifted = drifted || d.rev == r;
        }
        executor.rebless(r, reason);
        ctx.err() << "Reblessed " << graph.id(r) << " (" << graph.migration(r).up_path << ")"
                  << (drifted ? "" : "; it had not changed") << "\n";
    }
    return kExitOk;
}

}  // namespace runner
