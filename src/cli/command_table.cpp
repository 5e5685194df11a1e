// The command table: every command's name, one-line summary and entry point.
#include "cli/command_table.hpp"

namespace runner {

const std::vector<Command>& all_commands() {
    static const std::vector<Command> commands = {
        {"upgrade", "Apply migrations up to a target (head, heads, REV, +N, LABEL@head, ...)",
         cmd_upgrade},
        {"downgrade", "Revert migrations down to a target (-N, REV, base, LABEL@base, ...)",
         cmd_downgrade},
        {"stamp", "Set the database's revision(s) without running any migration", cmd_stamp},
        {"adopt", "Take over a database Alembic manages: record what alembic_version names",
         cmd_adopt},
        {"current", "Show the database's current revision(s)", cmd_current},
        {"history", "List revisions, newest first", cmd_history},
        {"heads", "Show the head revisions of the migration files", cmd_heads},
        {"branches", "Show branch points", cmd_branches},
        {"show", "Show one revision in detail", cmd_show},
        {"check", "Exit 0 at the heads; 3 pending, 4 edited migrations (drift), 5 failed part-way",
         cmd_check},
        {"rebless", "Accept edits to applied migrations, with a reason kept in the audit log",
         cmd_rebless},
        {"resolve", "Mark a non-transactional migration that stopped part-way as finished",
         cmd_resolve},
        {"backup", "Copy the database consistently (SQLite online backup)", cmd_backup},
        {"reset", "Back up, downgrade to base, upgrade to the heads (needs --yes)", cmd_reset},
        {"init", "Start a project: migrations directory, templates, HEADS, runner.ini", cmd_init},
        {"revision", "Write a new migration pair on the head (or --head)", cmd_revision},
        {"merge", "Write a migration that joins two or more heads", cmd_merge},
        {"graph", "Print the revision graph as dot, mermaid or json", cmd_graph},
    };
    return commands;
}

}  // namespace runner
