// `runner merge`: a migration pair whose down_revision joins two or more heads.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "commands/revision_files.hpp"
#include "migration/script_directory.hpp"
#include "migration/script_writer.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<MergeOptions> parse_merge(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("message,m", po::value<std::string>()->required(),
                          "what the merge joins; also names its files")(
        "rev-id", po::value<std::string>(), "the revision id (default: 12 random hex digits)")(
        "branch-label", po::value<std::vector<std::string>>()->composing(),
        "a branch label for the merge revision (repeatable, or a comma list)")(
        "splice", po::bool_switch(), "allow joining revisions that are not heads");
    po::options_description arguments;
    arguments.add_options()("revisions", po::value<std::vector<std::string>>(),
                            "revisions to join");
    po::positional_options_description positional;
    positional.add("revisions", -1);
    const auto vm = parse_args(
        ctx, args, "merge -m MESSAGE [--rev-id ID] [--branch-label L] [heads | REV REV...]",
        "Write a merge migration whose down_revision lists the revisions it joins (default: "
        "heads, every head). Prints the paths written and rewrites HEADS, so it is also how a "
        "git conflict in HEADS is resolved.",
        options, arguments, positional);
    if (!vm) {
        return std::nullopt;
    }
    MergeOptions o;
    o.message = (*vm)["message"].as<std::string>();
    if (vm->count("rev-id") != 0) {
        o.rev_id = (*vm)["rev-id"].as<std::string>();
    }
    o.splice = (*vm)["splice"].as<bool>();
    if (vm->count("branch-label") != 0) {
        o.branch_labels = (*vm)["branch-label"].as<std::vector<std::string>>();
    }
    if (vm->count("revisions") != 0) {
        o.revisions = (*vm)["revisions"].as<std::vector<std::string>>();
    }
    return o;
}

int run_merge(Context& ctx, const MergeOptions& options) {
    MergeRequest request;
    request.message = options.message;
    if (options.rev_id) {
        request.rev_id = *options.rev_id;
    }
    request.splice = options.splice;
    request.branch_labels = options.branch_labels;
    request.revisions = options.revisions;
    // Not ctx.graph(): that refuses a HEADS that disagrees with the files, and joining the heads
    // is the fix its message recommends. The merge rewrites HEADS from the files.
    const RevisionGraph graph(load_migrations(ctx.settings().dir));
    write_revision_files(ctx, graph, plan_merge(graph, request, random_revision_id));
    return kExitOk;
}

}  // namespace runner
