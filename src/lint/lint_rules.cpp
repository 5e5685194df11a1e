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
