// The lint rules: codes, severities, meanings and remedies.
#include <algorithm>

#include "lint/lint.hpp"

namespace runner {

const char* severity_name(LintSeverity severity) {
    return severity == LintSeverity::kError ? "error" : "warning";
}

const std::vector<LintRule>& lint_rules() {
    using S = LintSeverity;
    static const std::vector<LintRule> rules = {
        {"empty-migration", S::kError, "the file has no SQL statement",
         "write the statements, or delete the pair if the revision is not needed"},
        {"untouched-template", S::kError, "the file is still the template `runner revision` wrote",
         "write the statements below the header"},
        {"transaction-control", S::kError,
         "BEGIN, COMMIT, END or ROLLBACK in a transactional migration (runner refuses to run it)",
         "remove it: runner wraps each migration in a transaction; or add the header line "
         "'-- transactional: false' to manage transactions yourself"},
        {"savepoint-in-migration", S::kWarning,
         "SAVEPOINT, RELEASE or ROLLBACK TO in a transactional migration",
         "check that every savepoint is released on every path; a failure rolls back the whole "
         "migration anyway"},
        {"pragma-in-transaction", S::kError,
         "PRAGMA foreign_keys or journal_mode set in a transactional migration (a no-op or an "
         "error inside a transaction)",
         "move it to a migration with the header line '-- transactional: false'"},
        {"vacuum-in-transaction", S::kError,
         "VACUUM in a transactional migration (SQLite cannot VACUUM inside a transaction)",
         "move it to a migration with the header line '-- transactional: false'"},
        {"add-not-null-without-default", S::kError,
         "ALTER TABLE ... ADD COLUMN ... NOT NULL without a non-NULL default (fails on any table "
         "with rows)",
         "give the column a DEFAULT, or rebuild the table and fill the column while copying"},
        {"migration-fails", S::kError,
         "the up or down fails on a scratch database (run in order after its ancestors)",
         "fix the statement named; `runner verify` runs the same steps"},
        {"down-not-undone", S::kError,
         "the down does not give back the schema from before the up, or the up run again "
         "after it does not give the schema of the first up",
         "make the down undo each change of the up, newest first; `runner verify` shows the diff"},
        {"data-loss", S::kWarning,
         "the up drops a table or a column, or rebuilds a table without one of its columns",
         "copy the data somewhere first, or silence it with lint_ignore when the loss is intended"},
        {"rebuild-loses-objects", S::kError,
         "a table rebuild (drop and create again) loses the old table's indexes, triggers or "
         "views",
         "create them again after the rebuild (`runner schema REV` shows them as they were)"},
        {"fk-without-index", S::kWarning,
         "a foreign key whose child columns have no index (each delete in the parent scans the "
         "child table)",
         "CREATE INDEX on the child columns, in the same migration"},
        {"fk-missing-target", S::kError,
         "a foreign key references a table or column that does not exist at that revision",
         "create the parent (or its column) first, or correct the reference"},
        {"rename-rewrites-dependents", S::kWarning,
         "ALTER TABLE ... RENAME silently rewrote views or triggers that use the old name, or "
         "left a view that no longer works",
         "check the rewritten objects do what you want, or drop and create them explicitly "
         "around the rename"},
        {"prefix-collision", S::kWarning, "two migrations' file names start with the same number",
         "renumber one of them (runner orders by the graph, people read the numbers)"},
        {"prefix-order", S::kWarning,
         "a migration's file number is lower than that of a revision it comes after",
         "renumber the files so the numbers follow the graph's order"},
        {"unknown-lint-code", S::kWarning, "lint_ignore names a code that does not exist",
         "correct the code (`runner lint --help` lists them)"},
    };
    return rules;
}

const LintRule* find_lint_rule(std::string_view code) {
    const auto& rules = lint_rules();
    const auto it =
        std::find_if(rules.begin(), rules.end(), [&](const LintRule& r) { return r.code == code; });
    return it == rules.end() ? nullptr : &*it;
}

}  // namespace runner
