// `runner lint`: findings about migration files, their rules, and the checks that need only the
// files' text and the revision graph. Pure: text and values in, findings out.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/revision_graph.hpp"
#include "schema/model.hpp"

namespace runner {

enum class LintSeverity { kError, kWarning };

const char* severity_name(LintSeverity severity);

// One lint rule: a stable code (what `lint_ignore:` names), its severity, what it means and
// what to do about it.
struct LintRule {
    std::string_view code;
    LintSeverity severity;
    std::string_view summary;
    std::string_view remedy;
};

// Every rule, in the order `runner lint --help` and the README list them.
const std::vector<LintRule>& lint_rules();
// The rule with that code, or nullptr.
const LintRule* find_lint_rule(std::string_view code);

struct LintFinding {
    std::string code;
    LintSeverity severity = LintSeverity::kError;
    std::string file;  // as found in the migrations directory
    int line = 0;      // 1-based; 0 when it concerns the whole file
    std::string revision;
    std::string message;  // one line
    std::string remedy;   // what to do, one line
    bool silenced = false;
};

// One migration file as lint reads it.
struct LintFile {
    std::string path;
    std::string revision;
    std::string text;  // the whole file
    bool transactional = true;
    std::vector<std::string> ignored;  // its header's lint_ignore codes
    std::string template_text;         // the template it was made from, unrendered
    bool merge = false;          // a merge revision's file: empty or the template is normal there
    bool dollar_quotes = false;  // PostgreSQL's text: $$...$$ bodies are strings
};

// Checks that need only the file: empty or untouched files, transaction control, PRAGMAs and
// VACUUM in a transactional file, ADD COLUMN ... NOT NULL without a default, unknown codes in
// lint_ignore. Findings silenced by the file's header or by a `-- lint_ignore: CODE` comment on
// the lines right above the statement come back with `silenced` set.
std::vector<LintFinding> lint_file_text(const LintFile& file);

// NNNN_ file-name prefixes that two migrations share, or whose order contradicts the graph's
// (a revision numbered below one of its ancestors).
std::vector<LintFinding> lint_file_prefixes(const RevisionGraph& graph);

// Marks findings silenced by `file`'s header (all its findings with those codes) or by a
// `-- lint_ignore: CODE` comment right above line `finding.line` in it; for findings that
// other checks make about that file.
void apply_lint_silencing(const LintFile& file, std::vector<LintFinding>& findings);

// The checks on what `up` (a revision's up file) did to the schema, from `before` to `after`
// (both read on a scratch database): data-loss, rebuild-loses-objects, fk-without-index,
// fk-missing-target, rename-rewrites-dependents (`broken`: one line each for views the up's
// renames left unusable, which the caller found by querying them). Silenced as in the file.
std::vector<LintFinding> lint_schema_change(const LintFile& up, const Schema& before,
                                            const Schema& after,
                                            const std::vector<std::string>& broken = {});
// Whether the script has an ALTER TABLE ... RENAME (then views are worth querying after it).
bool lint_renames(std::string_view script);

// What of the schemas before and after an up lint_schema_change needs to see: the tables the
// up's statements create, drop, alter or rename (folded names, old and new), the indexes,
// triggers and views they create or drop by name, and every view and trigger when they rename
// something (SQLite then rewrites views and triggers anywhere).
struct LintScope {
    std::set<std::string> tables;
    std::set<std::string> objects;
    bool views_and_triggers = false;
};
LintScope lint_scope(std::string_view up_script);

// Picks objects out of a schema: those `keep` is true for, each asked about as a schema holding
// only that object (Snapshot::select, select_objects).
using LintSelect = std::function<Schema(const std::function<bool(const Schema&)>& keep)>;
// The parts of the schemas before and after an up that lint_schema_change needs for `scope`:
// its tables, the tables whose foreign keys reference them and the tables all of these
// reference (with their indexes and triggers), its objects, and every view and trigger when it
// says so. On them lint_schema_change finds what it finds on the whole schemas, when `scope`
// names every table the up changed, at the cost of reading only those.
std::pair<Schema, Schema> lint_schema_parts(const LintScope& scope, const LintSelect& before,
                                            const LintSelect& after);

// The SQL statements of a SQLite script as lint sees them: where each starts and its text
// (trigger bodies kept whole). Comments are not statements. With `dollar_quotes` (a PostgreSQL
// script), $$...$$ and $tag$...$tag$ bodies are text, so their ';' and END end nothing.
struct LintStatement {
    int line = 0;
    std::size_t begin = 0;  // byte offsets into the script
    std::size_t end = 0;
};
std::vector<LintStatement> lint_statements(std::string_view script, bool dollar_quotes = false);

}  // namespace runner
