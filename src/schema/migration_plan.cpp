// Autogenerate's planner: orders the drops, renames, creates, ALTERs and rebuilds of one
// direction, and writes them as commented SQL.
#include "schema/migration_plan.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "schema/normalize.hpp"
#include "schema/plan_tables.hpp"
#include "schema/render.hpp"
#include "schema/sql_lexer.hpp"
#include "util/error.hpp"

namespace runner {
namespace {

using Names = std::set<std::string>;  // folded names

bool has(const Names& names, std::string_view name) {
    return names.count(fold_name(name)) != 0;
}

bool mentions_any(std::string_view sql, const Names& names) {
    for (const SqlToken& t : lex_sql(sql)) {
        if ((t.kind == SqlTokenKind::kWord || t.kind == SqlTokenKind::kQuotedName) &&
            has(names, token_name(t))) {
            return true;
        }
    }
    return false;
}

template <typename T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
    for (const T& item : items) {
        if (same_name(item.name, name)) {
            return &item;
        }
    }
    return nullptr;
}

// Views ordered so that a view comes after the views it reads (ties by name).
std::vector<const ViewDef*> views_in_order(const std::vector<ViewDef>& views) {
    std::vector<const ViewDef*> left;
    for (const ViewDef& v : views) {
        left.push_back(&v);
    }
    std::sort(left.begin(), left.end(), [](const ViewDef* a, const ViewDef* b) {
        return fold_name(a->name) < fold_name(b->name);
    });
    std::vector<const ViewDef*> out;
    while (!left.empty()) {
        auto ready = std::find_if(left.begin(), left.end(), [&](const ViewDef* v) {
            return std::none_of(left.begin(), left.end(), [&](const ViewDef* w) {
                return w != v && sql_mentions(v->select, w->name);
            });
        });
        if (ready == left.end()) {
            ready = left.begin();  // a cycle cannot exist in SQLite; keep going anyway
        }
        out.push_back(*ready);
        left.erase(ready);
    }
    return out;
}

std::string old_table_name(const std::vector<RenameHint>& hints, const std::string& table) {
    for (const RenameHint& h : hints) {
        if (h.column.empty() && same_name(h.new_name, table)) {
            return h.table;
        }
    }
    return table;
}

std::string temp_name_for(const std::string& table, const Schema& a, const Schema& b) {
    std::string name = "runner_new_" + table;
    for (int n = 2; find_table(a, name) || find_table(b, name); ++n) {
        name = "runner_new_" + table + "_" + std::to_string(n);
    }
    return name;
}

// Writes statements and comments into one script.
class Script {
  public:
    void comment(const std::string& text) { out_ += "-- " + text + "\n"; }
    void review(const std::string& text) {
        reviews_.push_back(text);
        out_ += "-- REVIEW " + text + "\n";
    }
    void statement(const std::string& sql) {
        out_ += sql + ";\n";
        ++statements_;
    }
    void section(const std::string& title) {
        if (!out_.empty()) {
            out_ += "\n";
        }
        comment(title);
    }
    PlannedScript finish(const std::string& preamble) {
        PlannedScript s;
        s.empty = statements_ == 0;
        s.reviews = reviews_;
        if (!s.empty) {
            std::string head = preamble;
            if (!reviews_.empty()) {
                head += "-- This file needs a person: read the " + std::to_string(reviews_.size()) +
                        " note(s) marked REVIEW below before running it.\n";
            }
            s.sql = head + "\n" + out_;
        }
        return s;
    }

  private:
    std::string out_;
    std::vector<std::string> reviews_;
    int statements_ = 0;
};

const char* const kPreamble =
    "-- Written by runner autogenerate from the difference between two schemas.\n"
    "-- runner runs each migration with foreign-key enforcement OFF (PRAGMA foreign_keys = OFF\n"
    "-- before BEGIN; `runner upgrade --sql` writes the same for the sqlite3 shell) and runs\n"
    "-- PRAGMA foreign_key_check before COMMIT, so a table rebuilt below keeps the rows of the\n"
    "-- tables that reference it, even with ON DELETE CASCADE.\n";

const char* const kGuard =
    "DROP TABLE IF EXISTS temp.runner_autogen_guard;\n"
    "CREATE TEMP TABLE runner_autogen_guard (foreign_keys INTEGER CONSTRAINT \"foreign keys are "
    "ON: a table rebuild would delete the rows that reference it; run this with PRAGMA "
    "foreign_keys = OFF set before BEGIN, as runner does\" CHECK (foreign_keys = 0));\n"
    "INSERT INTO temp.runner_autogen_guard SELECT foreign_keys FROM pragma_foreign_keys;\n"
    "DROP TABLE temp.runner_autogen_guard";

}  // namespace

RenameHint parse_rename_hint(std::string_view text) {
    const auto bad = [&] {
        return UsageError("--rename takes TABLE=NEW or TABLE.COLUMN=NEW, not '" +
                          std::string(text) + "'");
    };
    std::size_t k = 0;
    // name = bare characters other than '.', '=' and '"' | "quoted" with "" for a quote
    const auto name = [&]() {
        std::string out;
        if (k < text.size() && text[k] == '"') {
            for (++k; k < text.size(); ++k) {
                if (text[k] == '"' && k + 1 < text.size() && text[k + 1] == '"') {
                    out += '"';
                    ++k;
                } else if (text[k] == '"') {
                    ++k;
                    return out.empty() ? throw bad() : out;
                } else {
                    out += text[k];
                }
            }
            throw bad();
        }
        while (k < text.size() && text[k] != '.' && text[k] != '=' && text[k] != '"') {
            out += text[k++];
        }
        return out.empty() ? throw bad() : out;
    };
    RenameHint h;
    h.table = name();
    if (k < text.size() && text[k] == '.') {
        ++k;
        h.column = name();
    }
    if (k >= text.size() || text[k] != '=') {
        throw bad();
    }
    ++k;
    h.new_name = name();
    if (k != text.size()) {
        throw bad();
    }
    return h;
}

std::vector<RenameHint> invert_renames(const std::vector<RenameHint>& hints) {
    std::vector<RenameHint> out;
    for (const RenameHint& h : hints) {
        if (h.column.empty()) {
            out.push_back({h.new_name, "", h.table});
        } else {
            std::string table = h.table;
            for (const RenameHint& t : hints) {
                if (t.column.empty() && same_name(t.table, h.table)) {
                    table = t.new_name;
                }
            }
            out.push_back({table, h.new_name, h.column});
        }
    }
    return out;
}

PlannedScript plan_script(const Schema& from, const Schema& to,
                          const std::vector<RenameHint>& hints) {
    const Schema a = apply_renames(from, to, hints);
    const Schema& b = to;
    Script out;

    // Tables: dropped, created, altered in place, rebuilt (by their name after the renames).
    std::vector<const TableDef*> dropped;
    std::vector<std::pair<const TableDef*, TableAlter>> altered;
    Names rebuilt;
    Names disturbed;  // tables whose views and triggers must be dropped and re-created
    for (const TableDef& t : a.tables) {
        const TableDef* bt = find_table(b, t.name);
        TableAlter alter;
        if (!bt) {
            dropped.push_back(&t);
            disturbed.insert(fold_name(t.name));
        } else if (const TableChange c = classify_table(t, *bt, a, alter);
                   c == TableChange::kAlter) {
            altered.emplace_back(&t, alter);
            if (!alter.drop_columns.empty()) {
                disturbed.insert(fold_name(t.name));
            }
        } else if (c == TableChange::kRebuild) {
            rebuilt.insert(fold_name(t.name));
            disturbed.insert(fold_name(t.name));
        }
    }
    for (const RenameHint& h : hints) {
        const std::string now = h.column.empty() ? h.new_name : h.table;
        disturbed.insert(fold_name(h.table));
        disturbed.insert(fold_name(now));
    }
    for (const TableDef& t : a.tables) {
        if (has(disturbed, t.name)) {
            disturbed.insert(fold_name(old_table_name(hints, t.name)));
        }
    }
    const auto gone_with_table = [&](std::string_view table) {
        return has(rebuilt, table) || !find_table(b, table);
    };

    // Views: dropped when gone, changed, or reading a disturbed table or a dropped view.
    Names views_gone;
    for (bool more = true; more;) {
        more = false;
        for (const ViewDef& v : from.views) {
            const ViewDef* bv = find_named(b.views, v.name);
            if (!has(views_gone, v.name) &&
                (!bv || !same_view(v, *bv) || mentions_any(v.select, disturbed) ||
                 mentions_any(v.select, views_gone))) {
                views_gone.insert(fold_name(v.name));
                more = true;
            }
        }
    }
    // Triggers: dropped likewise; those on a dropped or rebuilt table or view go with it.
    Names triggers_gone;
    std::vector<const TriggerDef*> drop_triggers;
    for (const TriggerDef& t : from.triggers) {
        const TriggerDef* bt = find_named(b.triggers, t.name);
        const bool on_view = find_named(from.views, t.table) != nullptr;
        const bool with_owner = on_view ? has(views_gone, t.table)
                                        : gone_with_table(find_named(a.triggers, t.name)->table);
        if (with_owner || !bt || !same_trigger(t, *bt) || mentions_any(t.definition, disturbed) ||
            mentions_any(t.definition, views_gone)) {
            triggers_gone.insert(fold_name(t.name));
            if (!with_owner) {
                drop_triggers.push_back(&t);
            }
        }
    }
    if (!drop_triggers.empty()) {
        out.section("Triggers dropped here are re-created below if the new schema has them.");
        for (const TriggerDef* t : drop_triggers) {
            out.statement("DROP TRIGGER " + quote_name(t->name));
        }
    }
    std::vector<const ViewDef*> from_views = views_in_order(from.views);
    std::reverse(from_views.begin(), from_views.end());
    bool first = true;
    for (const ViewDef* v : from_views) {
        if (has(views_gone, v->name)) {
            if (first) {
                out.section("Views dropped here are re-created below if the new schema has them.");
                first = false;
            }
            out.statement("DROP VIEW " + quote_name(v->name));
        }
    }
    Names indexes_gone;
    first = true;
    for (const IndexDef& i : a.indexes) {
        const IndexDef* bi = find_named(b.indexes, i.name);
        if (gone_with_table(i.table)) {
            indexes_gone.insert(fold_name(i.name));
        } else if (!bi || !same_index(i, *bi)) {
            indexes_gone.insert(fold_name(i.name));
            if (first) {
                out.section("Indexes that change or go.");
                first = false;
            }
            out.statement("DROP INDEX " + quote_name(i.name));
        }
    }

    // Foreign keys: with enforcement ON, dropping a table that others reference deletes their
    // rows (CASCADE), changes them (SET NULL/DEFAULT) or fails at COMMIT (the deferred check
    // counts the deleted parents, and rows copied earlier do not undo that): refuse up front.
    // That includes a rebuilt table's own copy when it references itself.
    bool guard = false;
    for (const Schema* side : {&a, &b}) {
        for (const TableDef& t : side->tables) {
            for (const ForeignKey& f : t.foreign_keys) {
                guard = guard || (find_table(b, t.name) && gone_with_table(f.parent_table) &&
                                  find_table(a, f.parent_table));
            }
        }
    }
    std::string preamble = kPreamble;
    if (guard) {
        out.section(
            "With enforcement ON (a connection that set PRAGMA foreign_keys = ON), "
            "dropping a table that");
        out.comment("is referenced (even by itself) deletes or changes the rows that reference it");
        out.comment("(ON DELETE CASCADE, SET NULL) or fails: this CHECK stops the script first.");
        out.statement(kGuard);
    }

    // Dropped tables: children before parents.
    std::vector<const TableDef*> order = tables_in_dependency_order(a);
    std::reverse(order.begin(), order.end());
    for (const TableDef* t : order) {
        if (find_table(b, t->name)) {
            continue;
        }
        out.section("Table " + quote_name(t->name) + " is not in the new schema.");
        std::string text = "This drops table " + quote_name(t->name) + " and all its rows.";
        std::vector<std::string> added;
        for (const TableDef& n : b.tables) {
            if (!find_table(a, n.name)) {
                added.push_back(quote_name(n.name));
            }
        }
        if (!added.empty()) {
            text += " If it was renamed (to " + added.front() +
                    "?), generate again with --rename " + t->name + "=NEW to keep them.";
        }
        out.review(text);
        out.statement("DROP TABLE " + quote_name(t->name));
    }

    // Renames the user asked for: SQLite carries them into indexes and foreign keys.
    if (!hints.empty()) {
        out.section("Renames (--rename): indexes and foreign keys follow them.");
        out.statement("PRAGMA legacy_alter_table = OFF");
        for (const RenameHint& h : hints) {
            if (!h.column.empty()) {
                out.statement("ALTER TABLE " + quote_name(h.table) + " RENAME COLUMN " +
                              quote_name(h.column) + " TO " + quote_name(h.new_name));
            }
        }
        for (const RenameHint& h : hints) {
            if (h.column.empty()) {
                out.statement("ALTER TABLE " + quote_name(h.table) + " RENAME TO " +
                              quote_name(h.new_name));
            }
        }
    }

    // New tables, then changed ones, each in dependency order (parents first).
    const std::vector<const TableDef*> b_order = tables_in_dependency_order(b);
    for (const TableDef* t : b_order) {
        if (!find_table(a, t->name)) {
            out.section("New table " + quote_name(t->name) + ".");
            out.statement(table_sql(*t));
        }
    }
    for (const auto& [t, alter] : altered) {
        const TableDef& bt = *find_table(b, t->name);
        out.section("Table " + quote_name(t->name) + " changes in place.");
        for (const std::string& r : table_reviews(*t, bt, false)) {
            out.review(r);
        }
        for (const std::string& c : alter.drop_columns) {
            out.statement("ALTER TABLE " + quote_name(t->name) + " DROP COLUMN " + quote_name(c));
        }
        for (const ColumnDef& c : alter.add_columns) {
            out.statement(add_column_sql(c, bt));
        }
    }
    bool legacy = false;
    for (const TableDef* bt : b_order) {
        if (!has(rebuilt, bt->name)) {
            continue;
        }
        const TableDef& t = *find_table(a, bt->name);
        out.section("Table " + quote_name(t.name) +
                    " is rebuilt (SQLite cannot ALTER this change):");
        if (!t.virtual_using.empty() || !bt->virtual_using.empty()) {
            const auto columns = virtual_copy_columns(t, *bt);
            if (columns.empty()) {
                out.review("Virtual table " + quote_name(t.name) +
                           " is dropped and created again: its rows are not copied (another "
                           "module, or its content lives elsewhere); fill it again by hand.");
                out.statement("DROP TABLE " + quote_name(t.name));
                out.statement(table_sql(*bt));
                continue;
            }
            out.comment("a virtual table: its rows are copied into a new one that then takes");
            out.comment("its name (a full-text index is built again from them).");
            for (const std::string& c : t.virtual_columns) {
                if (std::find(columns.begin(), columns.end(), c) == columns.end()) {
                    out.review("Column " + quote_name(c) + " of virtual table " +
                               quote_name(t.name) + " is dropped: its values are lost.");
                }
            }
            if (!legacy) {
                out.statement("PRAGMA legacy_alter_table = ON");
                legacy = true;
            }
            for (const std::string& s :
                 virtual_rebuild_statements(t, *bt, temp_name_for(t.name, a, b), columns)) {
                out.statement(s);
            }
            continue;
        }
        out.comment("its rows are copied into a new table that then takes its name; its indexes");
        out.comment("and triggers, and the views that read it, are created again below.");
        for (const std::string& r : table_reviews(t, *bt, true)) {
            out.review(r);
        }
        if (!legacy) {
            // The new table takes the old one's name: nothing else must be rewritten.
            out.statement("PRAGMA legacy_alter_table = ON");
            legacy = true;
        }
        for (const std::string& s : rebuild_statements(t, *bt, temp_name_for(t.name, a, b))) {
            out.statement(s);
        }
    }
    if (legacy) {
        out.statement("PRAGMA legacy_alter_table = OFF");
    }

    // Indexes, views (each after those it reads) and triggers of the new schema.
    first = true;
    for (const IndexDef& i : b.indexes) {
        if (!find_named(a.indexes, i.name) || has(indexes_gone, i.name)) {
            if (first) {
                out.section("Indexes.");
                first = false;
            }
            out.statement(index_sql(i, find_table(b, i.table)));
        }
    }
    first = true;
    for (const ViewDef* v : views_in_order(b.views)) {
        if (!find_named(from.views, v->name) || has(views_gone, v->name)) {
            if (first) {
                out.section("Views.");
                first = false;
            }
            out.statement(view_sql(*v));
        }
    }
    first = true;
    for (const TriggerDef& t : b.triggers) {
        if (!find_named(from.triggers, t.name) || has(triggers_gone, t.name)) {
            if (first) {
                out.section("Triggers.");
                first = false;
            }
            out.statement(trigger_sql(t));
        }
    }
    return out.finish(preamble);
}

MigrationPlan plan_migration(const Schema& from, const Schema& to,
                             const std::vector<RenameHint>& renames) {
    MigrationPlan plan;
    plan.up = plan_script(from, to, renames);
    plan.down = plan_script(to, from, invert_renames(renames));
    return plan;
}

}  // namespace runner
