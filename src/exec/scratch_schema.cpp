// Builds the schema the migrations produce on a scratch database; see scratch_schema.hpp.
#include "exec/scratch_schema.hpp"

#include <ostream>

#include "exec/executor.hpp"
#include "migration/script_directory.hpp"
#include "plan/planner.hpp"
#include "util/sql_comments.hpp"

namespace runner {

namespace {

// A migration file read for a scratch build, watching for a /* comment left open at its end
// (which the executor refuses: the statements after it would silently not run).
class TrackedFile final : public TextSource {
  public:
    explicit TrackedFile(const std::string& path) : file_(path) {}
    bool read(std::string& buffer) override {
        const std::size_t before = buffer.size();
        if (!file_.read(buffer)) {
            return false;
        }
        tracker_.feed(std::string_view(buffer).substr(before));
        return true;
    }
    bool comment_left_open() const { return tracker_.open_comment_line() != 0; }

  private:
    FileSource file_;
    CommentTracker tracker_;
};

// The fast way to build the schema of `steps` on an empty scratch database: every migration in
// one transaction, no bookkeeping rows (the database is thrown away), foreign keys checked once
// at the end. False, with nothing left behind (rolled back), when that cannot give the same
// result as the executor or something failed: then the executor runs the steps one by one, for
// the same schema and, on failure, the same error naming the migration, file and line.
bool build_in_one_transaction(const RevisionGraph& graph, Connection& db,
                              const std::vector<Rev>& steps) {
    for (const Rev r : steps) {
        if (!graph.migration(r).up_transactional) {
            return false;  // runs outside any transaction, statement by statement
        }
    }
    ForeignKeyGuard* guard = db.foreign_keys();
    try {
        Transaction txn(db);
        for (const Rev r : steps) {
            const Migration& m = graph.migration(r);
            db.reset_session();  // as the executor does before each migration
            ScriptRun script;
            script.timeouts = m.up_timeouts;
            if (m.up_text) {  // read whole when the migrations were loaded
                if (open_comment_line(*m.up_text) != 0) {
                    return false;
                }
                StringSource body(*m.up_text);
                db.run_script(body, m.up_path, script);
                continue;
            }
            TrackedFile body(m.up_path);
            db.run_script(body, m.up_path, script);
            if (body.comment_left_open()) {
                return false;
            }
        }
        // Once, for everything the migrations changed: a violation sends the build to the
        // executor, whose check after each migration names the one that made it. (A violation
        // that one migration makes and a later one repairs passes here and fails there; such a
        // history cannot be applied to a real database, where `upgrade` names it.)
        if (guard != nullptr && !guard->violations(1, ForeignKeyGuard::Scope::kChanged).empty()) {
            return false;
        }
        txn.commit();
        return true;
    } catch (const Error&) {
        return false;
    }
}

}  // namespace

std::vector<Rev> steps_to(const RevisionGraph& graph, const std::vector<Rev>& targets) {
    if (targets.empty()) {
        return {};
    }
    return parents_first(graph, graph.ancestors(targets));
}

void upgrade_scratch(const RevisionGraph& graph, Database& db, const std::vector<Rev>& targets,
                     std::ostream& progress) {
    std::vector<Rev> steps;
    for (const Rev r : steps_to(graph, targets)) {
        if (!db.bookkeeping().is_applied(graph.id(r))) {
            steps.push_back(r);
        }
    }
    Executor executor(graph, db, progress, current_identity());
    executor.run(steps, Direction::kUpgrade, RunOptions{});
}

Schema read_database_schema(Database& db) {
    if (!db.exists()) {
        return {};
    }
    SchemaCatalog* catalog = db.connection().catalog();
    if (catalog == nullptr) {
        throw Error("cannot read the schema of " + db.describe() +
                    ": runner has no schema catalog for this kind of database yet");
    }
    const BookkeepingTables& tables = db.bookkeeping().tables();
    return catalog->read_schema({tables.version, tables.log, tables.partial});
}

Schema build_migrations_schema(const RevisionGraph& graph, Database& scratch,
                               const std::vector<Rev>& targets) {
    const std::vector<Rev> steps = steps_to(graph, targets);
    if (steps.empty() || scratch.bookkeeping().exists() ||
        !build_in_one_transaction(graph, scratch.connection(), steps)) {
        std::ostream discard(nullptr);
        upgrade_scratch(graph, scratch, targets, discard);
    }
    return read_database_schema(scratch);
}

}  // namespace runner
