// `runner revision`: a new migration pair on the current head (or --head), from the templates.
#include <ostream>

#include "authoring/heads_manifest.hpp"
#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "commands/revision_files.hpp"
#include "db/capabilities.hpp"
#include "exec/autogenerate.hpp"
#include "migration/script_writer.hpp"
#include "present/schema_change.hpp"
#include "util/text.hpp"

namespace runner {
namespace po = boost::program_options;

namespace {

// Alembic's rule: autogenerate compares with the migrations, so a database that lacks some of
// them would get a migration that repeats what it lacks.
void require_database_at_heads(Context& ctx, const RevisionGraph& graph) {
    if (ctx.settings().db_url.empty()) {
        return;
    }
    Database& db = ctx.read();
    const VersionState state = ctx.state(db);
    std::vector<std::string> missing;
    for (const Rev head : graph.heads()) {
        if (state.applied[head] == 0) {
            missing.push_back(graph.id(head));
        }
    }
    if (missing.empty()) {
        return;
    }
    std::vector<std::string> current;
    for (const Rev r : state.rows) {
        current.push_back(graph.id(r));
    }
    throw Error("Target database is not up to date. " + db.describe() + " is at " +
                (current.empty() ? std::string("base (nothing applied)") : join(current, ", ")) +
                ", not at " + heads_phrase(head_ids(graph)) +
                ": run 'runner upgrade heads' first, then autogenerate again");
}

}  // namespace

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
        "a revision or label that must be applied first (repeatable, or a comma list)")(
        "autogenerate", po::bool_switch(),
        "write the SQL that turns the migrations' schema into the schema file's")(
        "rename", po::value<std::vector<std::string>>()->composing(),
        "with --autogenerate: TABLE=NEW or TABLE.COLUMN=NEW is a rename, not a drop and an add "
        "(repeatable)")("schema-file", po::value<std::string>(),
                        "with --autogenerate: the desired schema (default: schema_file = in "
                        "runner.ini, else schema.sql beside it)");
    const auto vm = parse_args(
        ctx, args,
        "revision -m MESSAGE [--rev-id ID] [--head REV] [--splice] [--branch-label L] "
        "[--depends-on REV...] [--autogenerate [--rename OLD=NEW]... [--schema-file FILE]]",
        "Write a new migration: NNNN_slug.up.sql and NNNN_slug.down.sql in the migrations "
        "directory, from its templates, declaring the current head as down_revision. Prints the "
        "paths written. Never overwrites a file, and writes nothing when a check fails.\n"
        "With --autogenerate the files hold the SQL that turns the schema the migrations "
        "produce at the head into the schema file's (writing nothing when they agree); a "
        "configured database must be at the heads.",
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
    o.autogenerate = (*vm)["autogenerate"].as<bool>();
    if (vm->count("rename") != 0) {
        for (const std::string& hint : (*vm)["rename"].as<std::vector<std::string>>()) {
            o.renames.push_back(parse_rename_hint(hint));
        }
    }
    if (vm->count("schema-file") != 0) {
        o.schema_file = (*vm)["schema-file"].as<std::string>();
    }
    if (!o.autogenerate && (!o.renames.empty() || o.schema_file)) {
        throw UsageError(std::string(o.renames.empty() ? "--schema-file" : "--rename") +
                         " only works with --autogenerate");
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
    const NewRevision revision = plan_revision(graph, request, random_revision_id);
    if (!options.autogenerate) {
        write_revision_files(ctx, graph, revision);
        return kExitOk;
    }
    if (!ctx.settings().db_url.empty()) {
        const SchemaCatalog* catalog = ctx.read().connection().catalog();
        if (catalog != nullptr && catalog->dialect() == SchemaDialect::kPostgres) {
            throw Error(
                "revision --autogenerate writes SQLite's table rebuilds and does not write "
                "PostgreSQL yet; write the migration by hand ('runner diff' lists what differs)");
        }
    }
    require_database_at_heads(ctx, graph);
    std::vector<Rev> base;
    std::vector<std::string> base_ids;
    for (const std::string& id : revision.down_revisions) {
        base.push_back(*graph.find(id));
        base_ids.push_back(graph.id(base.back()));
    }
    const SchemaFile file = schema_file_for(ctx, options.schema_file);
    const SchemaChange change = compare_with_schema_file(
        graph, base, file, [&ctx] { return ctx.open_scratch(); }, options.renames);
    if (change.differences.empty() && change.plan.up.empty) {
        ctx.out() << no_changes_line(file.path, base_ids) << "\n";
        return kExitOk;
    }
    const GeneratedBodies bodies{change.plan.up.sql, change.plan.down.sql};
    write_revision_files(ctx, graph, revision, &bodies);
    if (const std::size_t n = change.plan.up.reviews.size() + change.plan.down.reviews.size()) {
        ctx.err() << review_line(n) << "\n";
    }
    return kExitOk;
}

}  // namespace runner
