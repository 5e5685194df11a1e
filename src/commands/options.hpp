// Every command is three parts: an options struct (what the user asked for, already checked),
// a parse function from its arguments (nullopt after printing --help; UsageError for bad
// input), and a run function that does the work with the context. command<> (commands.hpp)
// joins them for the command table; tests can parse without running.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "present/graph_render.hpp"
#include "schema/migration_plan.hpp"

namespace runner {

using Args = std::vector<std::string>;

// upgrade and downgrade: TARGET and the flags they share.
struct PlanOptions {
    std::string target;
    bool sql = false;
    bool atomic = false;
    bool backup = false;
    bool resume = false;
    bool json = false;
    bool allow_drift = false;
    bool no_create = false;
};
std::optional<PlanOptions> parse_upgrade(Context& ctx, const Args& args);
int run_upgrade(Context& ctx, const PlanOptions& options);
std::optional<PlanOptions> parse_downgrade(Context& ctx, const Args& args);
int run_downgrade(Context& ctx, const PlanOptions& options);

struct StampOptions {
    std::vector<std::string> targets;
    bool purge = false;
};
std::optional<StampOptions> parse_stamp(Context& ctx, const Args& args);
int run_stamp(Context& ctx, const StampOptions& options);

struct AdoptOptions {
    std::string alembic_table = "alembic_version";
    bool drop_alembic_table = false;
    bool json = false;
};
std::optional<AdoptOptions> parse_adopt(Context& ctx, const Args& args);
int run_adopt(Context& ctx, const AdoptOptions& options);

struct CurrentOptions {
    bool verbose = false;
    bool json = false;
};
std::optional<CurrentOptions> parse_current(Context& ctx, const Args& args);
int run_current(Context& ctx, const CurrentOptions& options);

struct HistoryOptions {
    std::string lower;  // of -r LOWER:UPPER; both empty without -r
    std::string upper;
    bool verbose = false;
    bool indicate_current = false;
    bool json = false;
    std::size_t log_limit = 10;  // 0: all
};
std::optional<HistoryOptions> parse_history(Context& ctx, const Args& args);
int run_history(Context& ctx, const HistoryOptions& options);

struct HeadsOptions {
    bool verbose = false;
    bool resolve_dependencies = false;
    bool refresh = false;
    bool json = false;
};
std::optional<HeadsOptions> parse_heads(Context& ctx, const Args& args);
int run_heads(Context& ctx, const HeadsOptions& options);

struct BranchesOptions {
    bool verbose = false;
};
std::optional<BranchesOptions> parse_branches(Context& ctx, const Args& args);
int run_branches(Context& ctx, const BranchesOptions& options);

struct ShowOptions {
    std::string rev;
    bool json = false;
};
std::optional<ShowOptions> parse_show(Context& ctx, const Args& args);
int run_show(Context& ctx, const ShowOptions& options);

struct CheckOptions {
    bool json = false;
    bool schema = false;  // also compare the live schema with the migrations'
};
std::optional<CheckOptions> parse_check(Context& ctx, const Args& args);
int run_check(Context& ctx, const CheckOptions& options);

// schema [REV] | schema --live.
struct SchemaOptions {
    std::string revision = "heads";
    bool live = false;
    bool json = false;
};
std::optional<SchemaOptions> parse_schema(Context& ctx, const Args& args);
int run_schema(Context& ctx, const SchemaOptions& options);

// verify [--db FILE] [-r LOWER:UPPER].
struct VerifyOptions {
    std::optional<std::string> db;  // a database to verify on a copy of
    bool has_range = false;
    std::string lower;
    std::string upper;
    bool json = false;
};
std::optional<VerifyOptions> parse_verify(Context& ctx, const Args& args);
int run_verify(Context& ctx, const VerifyOptions& options);

// lint [--verbose] [--format json] [REV...].
struct LintOptions {
    std::vector<std::string> revisions;  // empty: every revision
    bool verbose = false;                // also the findings lint_ignore silenced
    bool json = false;
};
std::optional<LintOptions> parse_lint(Context& ctx, const Args& args);
int run_lint(Context& ctx, const LintOptions& options);

struct ReblessOptions {
    std::vector<std::string> revisions;
    std::string reason;
};
std::optional<ReblessOptions> parse_rebless(Context& ctx, const Args& args);
int run_rebless(Context& ctx, const ReblessOptions& options);

struct ResolveOptions {
    std::string rev;
    bool forget = false;
};
std::optional<ResolveOptions> parse_resolve(Context& ctx, const Args& args);
int run_resolve(Context& ctx, const ResolveOptions& options);

struct BackupOptions {
    std::optional<std::string> to;
};
std::optional<BackupOptions> parse_backup(Context& ctx, const Args& args);
int run_backup(Context& ctx, const BackupOptions& options);

struct ResetOptions {
    bool json = false;
};
std::optional<ResetOptions> parse_reset(Context& ctx, const Args& args);
int run_reset(Context& ctx, const ResetOptions& options);

struct InitOptions {
    std::string dir;
    std::string db;
};
std::optional<InitOptions> parse_init(Context& ctx, const Args& args);
int run_init(Context& ctx, const InitOptions& options);

struct RevisionOptions {
    std::string message;
    std::optional<std::string> rev_id;
    std::optional<std::string> head;
    bool splice = false;
    std::vector<std::string> branch_labels;
    std::vector<std::string> depends_on;
    // --autogenerate: the SQL that turns the migrations' schema into the schema file's.
    bool autogenerate = false;
    std::vector<RenameHint> renames;         // --rename OLD=NEW (only with --autogenerate)
    std::optional<std::string> schema_file;  // --schema-file (only with --autogenerate)
};
std::optional<RevisionOptions> parse_revision(Context& ctx, const Args& args);
int run_revision(Context& ctx, const RevisionOptions& options);

struct MergeOptions {
    std::string message;
    std::optional<std::string> rev_id;
    bool splice = false;
    std::vector<std::string> branch_labels;
    std::vector<std::string> revisions;
};
std::optional<MergeOptions> parse_merge(Context& ctx, const Args& args);
int run_merge(Context& ctx, const MergeOptions& options);

// diff: the schema file against the migrations' schema at the heads.
struct DiffOptions {
    bool json = false;
    std::optional<std::string> schema_file;
};
std::optional<DiffOptions> parse_diff(Context& ctx, const Args& args);
int run_diff(Context& ctx, const DiffOptions& options);

struct GraphOptions {
    GraphFormat format = GraphFormat::kDot;
};
std::optional<GraphOptions> parse_graph(Context& ctx, const Args& args);
int run_graph(Context& ctx, const GraphOptions& options);

}  // namespace runner
