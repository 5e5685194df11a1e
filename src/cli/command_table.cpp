// The command table: every command's name, one-line summary and entry point.
#include "cli/command_table.hpp"

namespace runner {

const std::vector<Command>& all_commands() {
    static const std::vector<Command> commands = {
        {"upgrade", "Apply migrations up to a target (head, heads, REV, +N, LABEL@head, ...)",
         command<PlanOptions, parse_upgrade, run_upgrade>},
        {"downgrade", "Revert migrations down to a target (-N, REV, base, LABEL@base, ...)",
         command<PlanOptions, parse_downgrade, run_downgrade>},
        {"stamp", "Set the database's revision(s) without running any migration",
         command<StampOptions, parse_stamp, run_stamp>},
        {"adopt", "Take over a database Alembic manages: record what alembic_version names",
         command<AdoptOptions, parse_adopt, run_adopt>},
        {"current", "Show the database's current revision(s)",
         command<CurrentOptions, parse_current, run_current>},
        {"history", "List revisions, newest first",
         command<HistoryOptions, parse_history, run_history>},
        {"heads", "Show the head revisions of the migration files",
         command<HeadsOptions, parse_heads, run_heads>},
        {"branches", "Show branch points", command<BranchesOptions, parse_branches, run_branches>},
        {"show", "Show one revision in detail", command<ShowOptions, parse_show, run_show>},
        {"check", "Exit 0 at the heads; 3 pending, 4 edited migrations (drift), 5 failed part-way",
         command<CheckOptions, parse_check, run_check>},
        {"schema", "Print the schema the migrations produce (or --live: the database's) as SQL",
         command<SchemaOptions, parse_schema, run_schema>},
        {"verify", "Run each revision up, down and up again on a scratch database; 8 on failure",
         command<VerifyOptions, parse_verify, run_verify>},
        {"lint",
         "Check migration files for mistakes (static and on a scratch database); 9 on error",
         command<LintOptions, parse_lint, run_lint>},
        {"rebless", "Accept edits to applied migrations, with a reason kept in the audit log",
         command<ReblessOptions, parse_rebless, run_rebless>},
        {"resolve", "Mark a non-transactional migration that stopped part-way as finished",
         command<ResolveOptions, parse_resolve, run_resolve>},
        {"backup", "Copy the database consistently (SQLite online backup)",
         command<BackupOptions, parse_backup, run_backup>},
        {"reset", "Back up, downgrade to base, upgrade to the heads (needs --yes)",
         command<ResetOptions, parse_reset, run_reset>},
        {"init", "Start a project: migrations directory, templates, HEADS, runner.ini",
         command<InitOptions, parse_init, run_init>},
        {"revision", "Write a new migration pair on the head (or --head)",
         command<RevisionOptions, parse_revision, run_revision>},
        {"merge", "Write a migration that joins two or more heads",
         command<MergeOptions, parse_merge, run_merge>},
        {"diff",
         "Compare schema.sql with the migrations' schema; print the SQL (exit 3 if they differ)",
         command<DiffOptions, parse_diff, run_diff>},
        {"graph", "Print the revision graph as dot, mermaid or json",
         command<GraphOptions, parse_graph, run_graph>},
    };
    return commands;
}

}  // namespace runner
