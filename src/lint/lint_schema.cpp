// The lint checks on what one up did to the schema: data loss, rebuilds that lose indexes,
// triggers or views, foreign keys without an index or without a target, renames that rewrite
// views and triggers. Pure: the file's text and two schema values in, findings out.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "lint/lint.hpp"
#include "schema/sql_lexer.hpp"

namespace runner {
namespace {

// What the up's statements say they do, by folded name, with the line of each.
struct Statements {
    std::map<std::string, int> created_tables;
    std::map<std::string, int> dropped_tables;
    std::map<std::string, int> altered_tables;                          // any ALTER TABLE
    std::map<std::string, std::pair<std::string, int>> renamed_tables;  // old -> (new, line)
    // (table, column) -> line, for ALTER TABLE t DROP COLUMN c
    std::map<std::pair<std::string, std::string>, int> dropped_columns;
    // (table, old column) -> new column
    std::map<std::pair<std::string, std::string>, std::string> renamed_columns;
    std::vector<int> rename_lines;          // every ALTER TABLE ... RENAME
    std::set<std::string> dropped_objects;  // DROP INDEX/TRIGGER/VIEW names
    std::set<std::string> created_objects;  // CREATE INDEX/TRIGGER/VIEW names
};

// [schema.]name at t[i]; advances i past it.
std::string qualified_name(const std::vector<SqlToken>& t, std::size_t& i, std::size_t to) {
    if (i >= to) {
        return {};
    }
    std::string name = token_name(t[i++]);
    if (i + 1 < to && is_punct(t[i], ".")) {
        name = token_name(t[i + 1]);
        i += 2;
    }
    return fold_name(name);
}

void read_statement(const std::vector<SqlToken>& t, std::size_t from, std::size_t to, int line,
                    Statements& s) {
    std::size_t i = from;
    if (is_keyword(t[i], "CREATE")) {
        ++i;
        while (i < to && (is_keyword(t[i], "TEMP") || is_keyword(t[i], "TEMPORARY") ||
                          is_keyword(t[i], "UNIQUE") || is_keyword(t[i], "VIRTUAL"))) {
            ++i;
        }
        if (i >= to) {
            return;
        }
        const bool table = is_keyword(t[i], "TABLE");
        const bool other =
            is_keyword(t[i], "INDEX") || is_keyword(t[i], "TRIGGER") || is_keyword(t[i], "VIEW");
        if (!table && !other) {
            return;
        }
        ++i;
        if (i + 2 < to && is_keyword(t[i], "IF") && is_keyword(t[i + 1], "NOT")) {
            i += 3;
        }
        const std::string name = qualified_name(t, i, to);
        if (table) {
            s.created_tables.emplace(name, line);
        } else {
            s.created_objects.insert(name);
        }
    } else if (is_keyword(t[i], "DROP")) {
        ++i;
        if (i >= to) {
            return;
        }
        const bool table = is_keyword(t[i], "TABLE");
        const bool other =
            is_keyword(t[i], "INDEX") || is_keyword(t[i], "TRIGGER") || is_keyword(t[i], "VIEW");
        if (!table && !other) {
            return;
        }
        ++i;
        if (i + 1 < to && is_keyword(t[i], "IF") && is_keyword(t[i + 1], "EXISTS")) {
            i += 2;
        }
        const std::string name = qualified_name(t, i, to);
        if (table) {
            s.dropped_tables.emplace(name, line);
        } else {
            s.dropped_objects.insert(name);
        }
    } else if (is_keyword(t[i], "ALTER") && i + 1 < to && is_keyword(t[i + 1], "TABLE")) {
        i += 2;
        const std::string table = qualified_name(t, i, to);
        s.altered_tables.emplace(table, line);
        if (i >= to) {
            return;
        }
        if (is_keyword(t[i], "RENAME")) {
            s.rename_lines.push_back(line);
            ++i;
            if (i + 1 < to && is_keyword(t[i], "TO")) {
                s.renamed_tables[table] = {fold_name(token_name(t[i + 1])), line};
                return;
            }
            if (i < to && is_keyword(t[i], "COLUMN")) {
                ++i;
            }
            if (i + 2 < to && is_keyword(t[i + 1], "TO")) {
                s.renamed_columns[{table, fold_name(token_name(t[i]))}] =
                    fold_name(token_name(t[i + 2]));
            }
        } else if (is_keyword(t[i], "DROP")) {
            ++i;
            if (i < to && is_keyword(t[i], "COLUMN")) {
                ++i;
            }
            if (i < to) {
                s.dropped_columns.emplace(std::pair{table, fold_name(token_name(t[i]))}, line);
            }
        }
    }
}

Statements read_statements(std::string_view text) {
    Statements s;
    const auto tokens = lex_sql(text);
    std::size_t from = 0;
    for (const auto& st : lint_statements(text)) {
        while (from < tokens.size() && tokens[from].offset < st.begin) {
            ++from;
        }
        std::size_t to = from;
        while (to < tokens.size() && tokens[to].offset < st.end) {
            ++to;
        }
        if (to > from) {
            read_statement(tokens, from, to, st.line, s);
        }
        from = to;
    }
    return s;
}

int line_in(const std::map<std::string, int>& lines, const std::string& name) {
    const auto it = lines.find(name);
    return it == lines.end() ? 0 : it->second;
}

// Whether SQL text names `name` as an identifier.
bool mentions(std::string_view sql, std::string_view name) {
    for (const auto& tok : lex_sql(sql)) {
        if ((tok.kind == SqlTokenKind::kWord || tok.kind == SqlTokenKind::kQuotedName) &&
            same_name(token_name(tok), name)) {
            return true;
        }
    }
    return false;
}

// Whether an index, the primary key or a UNIQUE constraint of `table` starts with `columns`
// (in any order), so that looking up the child rows of a parent row needs no full scan.
bool has_leading_index(const Schema& schema, const TableDef& table,
                       const std::vector<std::string>& columns) {
    const auto covers = [&](const std::vector<KeyPart>& parts) {
        if (parts.size() < columns.size()) {
            return false;
        }
        for (std::size_t k = 0; k < columns.size(); ++k) {
            if (parts[k].column.empty() ||
                std::none_of(columns.begin(), columns.end(),
                             [&](const std::string& c) { return same_name(c, parts[k].column); })) {
                return false;
            }
        }
        return true;
    };
    if (covers(table.primary_key)) {
        return true;
    }
    for (const auto& u : table.uniques) {
        if (covers(u.parts)) {
            return true;
        }
    }
    for (const auto& index : schema.indexes) {
        if (same_name(index.table, table.name) && index.where.empty() && covers(index.parts)) {
            return true;
        }
    }
    return false;
}

// Why a foreign key has no target in `schema`, or nothing when it has one.
std::optional<std::string> missing_target(const Schema& schema, const ForeignKey& fk) {
    const TableDef* parent = find_table(schema, fk.parent_table);
    if (parent == nullptr) {
        return "table '" + fk.parent_table + "' does not exist";
    }
    if (fk.parent_columns.empty()) {
        if (parent->primary_key.empty()) {
            return "table '" + fk.parent_table + "' has no primary key to reference";
        }
        return std::nullopt;
    }
    for (const auto& c : fk.parent_columns) {
        if (find_column(*parent, c) == nullptr) {
            return "column '" + fk.parent_table + "." + c + "' does not exist";
        }
    }
    return std::nullopt;
}

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "" : ", ") + n;
    }
    return out;
}

struct Reporter {
    const LintFile& file;
    std::vector<LintFinding>& out;

    void operator()(std::string_view code, int line, std::string message) {
        const LintRule* rule = find_lint_rule(code);
        LintFinding f;
        f.code = std::string(code);
        f.severity = rule->severity;
        f.file = file.path;
        f.line = line;
        f.revision = file.revision;
        f.message = std::move(message);
        f.remedy = std::string(rule->remedy);
        out.push_back(std::move(f));
    }
};

void data_loss(const Statements& s, const Schema& before, const Schema& after, Reporter& report) {
    for (const TableDef& old : before.tables) {
        const std::string name = fold_name(old.name);
        std::string now = name;
        int rename_line = 0;
        // Follow renames (t -> t_old -> ...), at most as many as there are.
        for (std::size_t hops = 0; hops <= s.renamed_tables.size(); ++hops) {
            const auto it = s.renamed_tables.find(now);
            if (it == s.renamed_tables.end() || find_table(after, now) != nullptr) {
                break;
            }
            now = it->second.first;
            rename_line = it->second.second;
        }
        const TableDef* kept = find_table(after, now);
        if (kept == nullptr) {
            report("data-loss", line_in(s.dropped_tables, name),
                   "table '" + old.name + "' is dropped, and its rows with it");
            continue;
        }
        if (!old.virtual_using.empty() || !kept->virtual_using.empty()) {
            continue;
        }
        const bool rebuilt = s.dropped_tables.count(name) != 0 || s.renamed_tables.count(name) != 0;
        for (const ColumnDef& column : old.columns) {
            std::string column_now = fold_name(column.name);
            // Renamed under the table's old or new name.
            for (const auto& in : {name, now}) {
                if (const auto r = s.renamed_columns.find({in, column_now});
                    r != s.renamed_columns.end()) {
                    column_now = r->second;
                    break;
                }
            }
            if (find_column(*kept, column_now) != nullptr) {
                continue;
            }
            if (const auto d = s.dropped_columns.find({name, fold_name(column.name)});
                d != s.dropped_columns.end()) {
                report("data-loss", d->second,
                       "column '" + old.name + "." + column.name +
                           "' is dropped, and its values with it");
            } else if (rebuilt) {
                const int line = s.dropped_tables.count(name) != 0
                                     ? line_in(s.dropped_tables, name)
                                     : s.renamed_tables.at(name).second;
                report("data-loss", line,
                       "table '" + old.name + "' is rebuilt without its column '" + column.name +
                           "', whose values are lost");
            } else {
                report("data-loss", rename_line,
                       "column '" + old.name + "." + column.name + "' is gone after the up");
            }
        }
    }
}

void rebuild_losses(const Statements& s, const Schema& before, const Schema& after,
                    Reporter& report) {
    for (const TableDef& table : before.tables) {
        const std::string name = fold_name(table.name);
        const bool rebuilt =
            (s.dropped_tables.count(name) != 0 || s.renamed_tables.count(name) != 0) &&
            find_table(after, table.name) != nullptr;
        if (!rebuilt) {
            continue;
        }
        const int line = s.dropped_tables.count(name) != 0 ? line_in(s.dropped_tables, name)
                                                           : s.renamed_tables.at(name).second;
        const auto lost = [&](const std::string& object, const std::string& what) {
            report("rebuild-loses-objects", line,
                   "the rebuild of table '" + table.name + "' loses its " + what + " '" + object +
                       "' (dropped with the old table and not created again)");
        };
        for (const IndexDef& index : before.indexes) {
            if (same_name(index.table, table.name) &&
                s.dropped_objects.count(fold_name(index.name)) == 0 &&
                std::none_of(after.indexes.begin(), after.indexes.end(),
                             [&](const IndexDef& i) { return same_name(i.name, index.name); })) {
                lost(index.name, "index");
            }
        }
        for (const TriggerDef& trigger : before.triggers) {
            if (same_name(trigger.table, table.name) &&
                s.dropped_objects.count(fold_name(trigger.name)) == 0 &&
                std::none_of(
                    after.triggers.begin(), after.triggers.end(),
                    [&](const TriggerDef& t) { return same_name(t.name, trigger.name); })) {
                lost(trigger.name, "trigger");
            }
        }
        for (const ViewDef& view : before.views) {
            if (mentions(view.select, table.name) &&
                std::none_of(after.views.begin(), after.views.end(),
                             [&](const ViewDef& v) { return same_name(v.name, view.name); })) {
                lost(view.name, "view");
            }
        }
    }
}

void foreign_keys(const Statements& s, const Schema& before, const Schema& after,
                  Reporter& report) {
    for (const TableDef& table : after.tables) {
        const std::string name = fold_name(table.name);
        const TableDef* old = find_table(before, table.name);
        int line = line_in(s.created_tables, name);
        if (line == 0) {
            line = line_in(s.altered_tables, name);
        }
        for (const ForeignKey& fk : table.foreign_keys) {
            const bool is_new =
                old == nullptr ||
                std::none_of(old->foreign_keys.begin(), old->foreign_keys.end(),
                             [&](const ForeignKey& o) { return same_foreign_key(o, fk); });
            if (is_new && !has_leading_index(after, table, fk.columns)) {
                report("fk-without-index", line,
                       "the foreign key " + table.name + " (" + join(fk.columns) + ") -> " +
                           fk.parent_table + " has no index on " + table.name + " (" +
                           join(fk.columns) + "): each delete or key change in " + fk.parent_table +
                           " scans " + table.name);
            }
            const auto why = missing_target(after, fk);
            if (!why) {
                continue;
            }
            // Broken before too (with the same key): reported for the revision that broke it.
            if (!is_new && missing_target(before, fk)) {
                continue;
            }
            int at = line;
            if (!is_new) {
                at = line_in(s.dropped_tables, fold_name(fk.parent_table));
                if (const auto r = s.renamed_tables.find(fold_name(fk.parent_table));
                    r != s.renamed_tables.end()) {
                    at = r->second.second;
                }
            }
            report("fk-missing-target", at,
                   "the foreign key " + table.name + " (" + join(fk.columns) + ") -> " +
                       fk.parent_table +
                       (fk.parent_columns.empty() ? "" : " (" + join(fk.parent_columns) + ")") +
                       " has no target: " + *why);
        }
    }
}

void renames(const Statements& s, const Schema& before, const Schema& after,
             const std::vector<std::string>& broken, Reporter& report) {
    if (s.rename_lines.empty()) {
        return;
    }
    const int line = s.rename_lines.front();
    const auto touched = [&](const std::string& name) {
        const std::string f = fold_name(name);
        return s.dropped_objects.count(f) != 0 || s.created_objects.count(f) != 0;
    };
    for (const ViewDef& view : before.views) {
        for (const ViewDef& now : after.views) {
            if (same_name(now.name, view.name) && !same_view(now, view) && !touched(view.name)) {
                report("rename-rewrites-dependents", line,
                       "view '" + view.name +
                           "' is rewritten by the rename; it now reads: " + now.select);
            }
        }
    }
    for (const TriggerDef& trigger : before.triggers) {
        for (const TriggerDef& now : after.triggers) {
            if (same_name(now.name, trigger.name) && !same_trigger(now, trigger) &&
                !touched(trigger.name)) {
                report("rename-rewrites-dependents", line,
                       "trigger '" + trigger.name +
                           "' is rewritten by the rename; it is now: " + now.definition);
            }
        }
    }
    for (const auto& b : broken) {
        report("rename-rewrites-dependents", line, b);
    }
}

}  // namespace

std::vector<LintFinding> lint_schema_change(const LintFile& up, const Schema& before,
                                            const Schema& after,
                                            const std::vector<std::string>& broken) {
    std::vector<LintFinding> out;
    Reporter report{up, out};
    const Statements s = read_statements(up.text);
    data_loss(s, before, after, report);
    rebuild_losses(s, before, after, report);
    foreign_keys(s, before, after, report);
    renames(s, before, after, broken, report);
    apply_lint_silencing(up, out);
    return out;
}

bool lint_renames(std::string_view script) {
    return !read_statements(script).rename_lines.empty();
}

LintScope lint_scope(std::string_view up_script) {
    const Statements s = read_statements(up_script);
    LintScope scope;
    for (const auto* names : {&s.created_tables, &s.dropped_tables, &s.altered_tables}) {
        for (const auto& [name, line] : *names) {
            scope.tables.insert(name);
        }
    }
    for (const auto& [from, to] : s.renamed_tables) {
        scope.tables.insert(from);
        scope.tables.insert(to.first);
    }
    for (const auto& [column, line] : s.dropped_columns) {
        scope.tables.insert(column.first);
    }
    for (const auto& [column, to] : s.renamed_columns) {
        scope.tables.insert(column.first);
    }
    scope.objects = s.created_objects;
    scope.objects.insert(s.dropped_objects.begin(), s.dropped_objects.end());
    scope.views_and_triggers = !s.rename_lines.empty();
    return scope;
}

std::pair<Schema, Schema> lint_schema_parts(const LintScope& scope, const LintSelect& before,
                                            const LintSelect& after) {
    const auto in = [](const std::set<std::string>& folded, std::string_view name) {
        return !folded.empty() && folded.count(fold_name(name)) != 0;
    };
    // The scope's tables, those referencing them, and what all of these reference: only the
    // names are noted, nothing is copied.
    std::set<std::string> tables = scope.tables;
    const auto note = [&](const Schema& object) {
        for (const TableDef& t : object.tables) {
            const bool referencing = std::any_of(
                t.foreign_keys.begin(), t.foreign_keys.end(),
                [&](const ForeignKey& fk) { return in(scope.tables, fk.parent_table); });
            if (referencing || in(scope.tables, t.name)) {
                tables.insert(fold_name(t.name));
                for (const ForeignKey& fk : t.foreign_keys) {
                    tables.insert(fold_name(fk.parent_table));
                }
            }
        }
        return false;
    };
    before(note);
    after(note);
    const auto keep = [&](const Schema& object) {
        const auto any = [](const auto& items, const auto& wanted) {
            return std::any_of(items.begin(), items.end(), wanted);
        };
        return any(object.tables, [&](const TableDef& t) { return in(tables, t.name); }) ||
               any(object.indexes,
                   [&](const IndexDef& i) {
                       return in(tables, i.table) || in(scope.objects, i.name);
                   }) ||
               any(object.triggers,
                   [&](const TriggerDef& t) {
                       return scope.views_and_triggers || in(tables, t.table) ||
                              in(scope.objects, t.name);
                   }) ||
               any(object.views, [&](const ViewDef& v) {
                   return scope.views_and_triggers || in(scope.objects, v.name);
               });
    };
    return {before(keep), after(keep)};
}

}  // namespace runner
