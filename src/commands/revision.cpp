// `runner revision`: a new migration pair on the current head (or --head), from the templates.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "commands/revision_files.hpp"
#include "migration/script_writer.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<RevisionOptions> parse_revision(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("message,m", po::value<std::string>()->required(),
                          "what the migration does; also names its files")(
        "rev-id", po::value<std::string>(), "the revision id (default: 12 random hex digits)")(
        "head", po::value<std::string>(),
        "the revision to build on: REV, LABEL@head, or base for a new root (default: the head)")(
        "splice", po::bool_switch(),
        "allow --head to name a revision that is not a head, starting a new branch")(
        "branch-label", po::value<std::vector<std::string>>()->composing(),
        "a branch label for the new revision (repeatable, or a comma list)")(
        "depends-on", po::value<std::vector<std::string>>()->composing(),
        "a revision or label that must be applied first (repeatable, or a comma list)");
    const auto vm = parse_args(
        ctx, args,
        "revision -m MESSAGE [--rev-id ID] [--head REV] [--splice] [--branch-label L] "
        "[--depends-on REV...]",
        "Write a new migration: NNNN_slug.up.sql and NNNN_slug.down.sql in the migrations "
        "directory, from its templates, declaring the current head as down_revision. Prints the "
        "paths written. Never overwrites a file, and writes nothing when a check fails.",
        options);
    if (!vm) {
        return std::nullopt;
    }
    RevisionOptions o;
    o.message = (*vm)["message"].as<std::string>();
    if (vm->count("rev-id") != 0) {
        o.rev_id = (*vm)["rev-id"].as<std::string>();
    }
    if (vm->count("head") != 0) {
        o.head = (*vm)["head"].as<std::string>();
    }
    o.splice = (*vm)["splice"].as<bool>();
    if (vm->count("branch-label") != 0) {
        o.branch_labels = (*vm)["branch-label"].as<std::vector<std::string>>();
    }
    if (vm->count("depends-on") != 0) {
        o.depends_on = (*vm)["depends-on"].as<std::vector<std::string>>();
    }
    return o;
}

int run_revision(Context& ctx, const RevisionOptions& options) {
    RevisionRequest request;
    request.message = options.message;
    if (options.rev_id) {
        request.rev_id = *options.rev_id;
    }
    if (options.head) {
        request.head = *options.head;
    }
    request.splice = options.splice;
    request.branch_labels = options.branch_labels;
    request.depends_on = options.depends_on;
    const RevisionGraph& graph = ctx.graph();
    write_revision_files(ctx, graph, plan_revision(graph, request, random_revision_id));
    return kExitOk;
}

}  // namespace runner
