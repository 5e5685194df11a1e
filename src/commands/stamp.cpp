// `runner stamp REV...`: set the recorded revisions without running migrations.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "exec/executor.hpp"
#include "util/text.hpp"

namespace runner {
namespace po = boost::program_options;

namespace {
std::string list(const RevisionGraph& graph, const std::vector<Rev>& revs) {
    std::vector<std::string> ids;
    for (const Rev r : revs) {
        ids.push_back(graph.id(r));
    }
    return join(ids, ", ");
}
}  // namespace

std::optional<StampOptions> parse_stamp(Context& ctx, const Args& args) {
    po::options_description options("Options");
    po::options_description arguments;
    arguments.add_options()("rev", po::value<std::vector<std::string>>()->required(), "targets");
    options.add_options()(
        "purge", po::bool_switch(),
        "erase every recorded revision first (works even when the database names revisions "
        "no file declares)");
    po::positional_options_description positional;
    positional.add("rev", -1);
    const auto vm = parse_args(
        ctx, args, "stamp [--purge] REV [REV...]",
        "Record the database as being at the given revision(s) without running any migration.",
        options, arguments, positional);
    if (!vm) {
        return std::nullopt;
    }
    StampOptions o{(*vm)["rev"].as<std::vector<std::string>>(), (*vm)["purge"].as<bool>()};
    for (const auto& t : o.targets) {
        if (t.find(':') != std::string::npos) {
            throw UsageError("Range revision not allowed: '" + t + "'");
        }
    }
    return o;
}

int run_stamp(Context& ctx, const StampOptions& options) {
    const auto& targets = options.targets;
    const bool purge = options.purge;
    const RevisionGraph& graph = ctx.graph();
    const VersionState before =
        purge ? VersionState{RevSet(graph.size(), 0), {}} : ctx.state(ctx.read());
    std::vector<Rev> rows;
    try {
        rows = plan_stamp(graph, before.rows, targets);
    } catch (const MultipleHeadsError& e) {
        throw Error(
            "Multiple heads are present; please specify a single target revision "
            "(heads: " +
            join(e.heads(), ", ") + ")");
    }
    // The applied set becomes the closure of the new rows: revisions leaving it are unstamped,
    // new ones stamped (each with its file's checksum, so later edits show up as drift).
    const RevSet after = graph.ancestors(rows, true);
    std::vector<std::string> removed;
    std::vector<Rev> added;
    if (purge) {
        for (const auto& record : ctx.read().bookkeeping().applied()) {
            removed.push_back(record.revision);
        }
    }
    for (Rev r = 0; r < graph.size(); ++r) {
        if (!purge && before.applied[r] && !after[r]) {
            removed.push_back(graph.id(r));
        }
        if (after[r] && (purge || !before.applied[r])) {
            added.push_back(r);
        }
    }
    ctx.err() << "Running stamp_revision " << list(graph, before.rows) << " -> "
              << list(graph, rows) << "\n";
    Executor(graph, ctx.writer(), ctx.err(), current_identity()).stamp(removed, added, purge);
    return kExitOk;
}

}  // namespace runner
