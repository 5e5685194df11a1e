// `runner heads`: the heads of the migration files; `--refresh` rewrites the heads manifest.
#include <optional>
#include <ostream>

#include "authoring/heads_manifest.hpp"
#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "migration/script_directory.hpp"
#include "migration/script_writer.hpp"
#include "present/reports.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<HeadsOptions> parse_heads(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("verbose,v", po::bool_switch(), "show each head in full")(
        "resolve-dependencies", po::bool_switch(),
        "hide heads that another head depends on (effective heads)")(
        "refresh", po::bool_switch(),
        "rewrite (or create) the heads manifest HEADS from the migration files");
    add_format_option(options);
    const auto vm = parse_args(ctx, args, "heads [-v] [--resolve-dependencies] [--refresh]",
                               "Show the current head revisions of the migration files.", options);
    if (!vm) {
        return std::nullopt;
    }
    return HeadsOptions{(*vm)["verbose"].as<bool>(), (*vm)["resolve-dependencies"].as<bool>(),
                        (*vm)["refresh"].as<bool>(), json_format(*vm)};
}

int run_heads(Context& ctx, const HeadsOptions& options) {
    const bool json = options.json;
    std::optional<RevisionGraph> refreshed;
    if (options.refresh) {
        // The files are the truth here, so the manifest is not checked against them first.
        const std::string& dir = ctx.settings().dir;
        const RevisionGraph& g = refreshed.emplace(load_migrations(dir));
        const std::string path = heads_manifest_path(dir);
        const bool existed = read_heads_manifest(dir).has_value();
        replace_file(path, render_heads_manifest(head_ids(g)));
        ctx.err() << (existed ? "Rewrote " : "Created ") << path << "\n";
    }
    // People run heads while resolving a HEADS conflict: the manifest is reported, not enforced.
    ctx.warn_about_manifest();
    const RevisionGraph& graph = refreshed ? *refreshed : ctx.graph();
    const auto& heads = options.resolve_dependencies ? graph.real_heads() : graph.heads();
    if (json) {
        ctx.out() << revisions_report_json(graph, "heads", heads, nullptr) << "\n";
        return kExitOk;
    }
    for (const Rev r : heads) {
        if (options.verbose) {
            ctx.out() << log_entry(graph, r, false);
        } else {
            LineStyle style;
            style.include_branches = true;
            style.tree_indicators = false;
            ctx.out() << revision_line(graph, r, style) << "\n";
        }
    }
    return kExitOk;
}

}  // namespace runner
