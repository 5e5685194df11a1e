// Up, down, up again for each revision on a disposable database; see verify.hpp.
#include "exec/verify.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>

#include "db/url.hpp"
#include "exec/executor.hpp"
#include "exec/scratch_schema.hpp"
#include "plan/planner.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

// What verify compares between steps: the schema, and the rows of each table.
struct Snapshot {
    Schema schema;
    std::map<std::string, std::int64_t> rows;  // by lower-case table name
};

Snapshot snapshot(Database& db) {
    Snapshot s;
    s.schema = read_database_schema(db);
    Connection& c = db.connection();
    for (const TableDef& t : s.schema.tables) {
        if (!t.virtual_using.empty()) {
            continue;
        }
        const auto rows =
            c.query("SELECT count(*) FROM " + c.dialect().table(t.name), {}, "counting rows");
        s.rows[lower_ascii(t.name)] = rows.empty() || !rows[0][0] ? 0 : std::stoll(*rows[0][0]);
    }
    return s;
}

// PRAGMA integrity_check and the foreign-key check: what is wrong, one line each (empty: fine).
// Foreign-key violations the database had at the start are the data's, not the step's.
std::vector<std::string> integrity_problems(Database& db,
                                            const std::vector<ForeignKeyViolation>& baseline) {
    std::vector<std::string> problems;
    Connection& c = db.connection();
    if (c.catalog() != nullptr && c.foreign_keys() != nullptr) {  // SQLite
        for (const auto& row : c.query("PRAGMA integrity_check", {}, "checking integrity")) {
            if (!row.empty() && row[0] && *row[0] != "ok") {
                problems.push_back("integrity_check: " + *row[0]);
            }
        }
    }
    if (ForeignKeyGuard* guard = c.foreign_keys()) {
        for (const auto& v : guard->violations(100, ForeignKeyGuard::Scope::kAll)) {
            if (!std::binary_search(baseline.begin(), baseline.end(), v)) {
                problems.push_back("foreign key: " + v.describe());
            }
        }
    }
    return problems;
}

class Verifier {
  public:
    Verifier(const RevisionGraph& graph, const DatabaseFactory& fresh, const AfterUp& after_up)
        : graph_(graph), fresh_(fresh), after_up_(after_up) {}

    VerifyReport run(const std::vector<Rev>& order) {
        start(std::nullopt);
        report_.database = db_->describe();
        if (ForeignKeyGuard* guard = db_->connection().foreign_keys()) {
            baseline_ = guard->violations(10'000, ForeignKeyGuard::Scope::kAll);
            std::sort(baseline_.begin(), baseline_.end());
        }
        for (const Rev r : order) {
            if (applied_.count(r) != 0) {
                report_.skipped.push_back({r, "already applied in " + report_.database});
                continue;
            }
            if (const auto blocked = blocked_by(r)) {
                report_.skipped.push_back(
                    {r, "it builds on " + graph_.id(*blocked) + ", whose up failed"});
                failed_.insert(r);
                continue;
            }
            verify(r);
        }
        return std::move(report_);
    }

  private:
    // A fresh database, brought to the revisions verified so far (and `also`).
    void start(std::optional<Rev> also) {
        db_ = fresh_();
        applied_.clear();
        for (const auto& record : db_->bookkeeping().applied()) {
            if (const auto r = graph_.find(record.revision)) {
                applied_.insert(*r);
            }
        }
        std::vector<Rev> targets(verified_ok_.begin(), verified_ok_.end());
        if (also) {
            targets.push_back(*also);
        }
        if (!targets.empty()) {
            std::ostream discard(nullptr);
            upgrade_scratch(graph_, *db_, targets, discard);
            for (const Rev r : steps_to(graph_, targets)) {
                applied_.insert(r);
            }
        }
    }

    std::optional<Rev> blocked_by(Rev r) const {
        for (const Rev p : graph_.normalized_parents(r)) {
            if (failed_.count(p) != 0) {
                return p;
            }
        }
        return std::nullopt;
    }

    // Runs one step; a failure becomes a problem. False when it failed.
    bool step(Rev r, Direction direction, const char* name) {
        const Migration& m = graph_.migration(r);
        std::ostream discard(nullptr);
        try {
            Executor executor(graph_, *db_, discard, current_identity());
            executor.run({r}, direction, RunOptions{});
        } catch (const StatementError& e) {
            problem(r, name, direction, std::string(name) + " failed: " + e.what());
            report_.problems.back().failed = true;
            report_.problems.back().line = e.line();
            return false;
        } catch (const Error& e) {
            problem(r, name, direction, std::string(name) + " failed: " + e.what());
            report_.problems.back().failed = true;
            return false;
        }
        (void)m;
        const auto problems = integrity_problems(*db_, baseline_);
        for (const auto& p : problems) {
            problem(r, name, direction, "after the " + std::string(name) + ": " + p);
        }
        return problems.empty();
    }

    void problem(Rev r, const char* name, Direction direction, std::string message,
                 std::vector<SchemaDifference> differences = {}) {
        const Migration& m = graph_.migration(r);
        VerifyProblem p;
        p.rev = r;
        p.step = name;
        p.path = direction == Direction::kUpgrade ? m.up_path : m.down_path;
        p.message = std::move(message);
        p.differences = std::move(differences);
        report_.problems.push_back(std::move(p));
    }

    void verify(Rev r) {
        // Outside a range (-r), what r builds on is applied first, without being verified.
        const auto& parents = graph_.normalized_parents(r);
        if (std::any_of(parents.begin(), parents.end(),
                        [&](Rev p) { return applied_.count(p) == 0; })) {
            try {
                std::ostream discard(nullptr);
                upgrade_scratch(graph_, *db_, parents, discard);
            } catch (const Error& e) {
                report_.skipped.push_back(
                    {r, std::string("what it builds on failed: ") + e.what()});
                failed_.insert(r);
                return;
            }
            for (const Rev s : steps_to(graph_, parents)) {
                applied_.insert(s);
            }
        }
        report_.verified.push_back(r);
        const Snapshot before = snapshot(*db_);
        if (!step(r, Direction::kUpgrade, "up")) {
            // Rolled back: the database is as before, and what builds on r cannot be verified.
            failed_.insert(r);
            return;
        }
        const Snapshot after_up = snapshot(*db_);
        if (after_up_) {
            after_up_(r, *db_, before.schema, after_up.schema);
        }
        bool sound = true;
        if (!step(r, Direction::kDowngrade, "down")) {
            // Rolled back: r stays applied.
            verified_ok_.insert(r);
            applied_.insert(r);
            return;
        }
        const Snapshot after_down = snapshot(*db_);
        if (auto d = diff_schemas(before.schema, after_down.schema); !d.empty()) {
            problem(r, "down", Direction::kDowngrade,
                    "the down does not give back the schema from before the up", std::move(d));
            sound = false;
        }
        for (const auto& [table, count] : before.rows) {
            const auto now = after_down.rows.find(table);
            if (now != after_down.rows.end() && now->second < count) {
                problem(r, "down", Direction::kDowngrade,
                        "data loss: the down leaves " + std::to_string(now->second) + " of the " +
                            std::to_string(count) + " rows " + table +
                            " had before the up (it existed before the up)");
            }
        }
        if (!step(r, Direction::kUpgrade, "up again")) {
            sound = false;
        } else if (auto d = diff_schemas(after_up.schema, snapshot(*db_).schema); !d.empty()) {
            problem(r, "up again", Direction::kUpgrade,
                    "the up after the down does not give the schema the first up gave",
                    std::move(d));
            sound = false;
        }
        verified_ok_.insert(r);
        if (sound) {
            applied_.insert(r);
        } else {
            start(std::nullopt);  // the next revisions start from what the migrations build
        }
    }

    const RevisionGraph& graph_;
    const DatabaseFactory& fresh_;
    const AfterUp& after_up_;
    std::unique_ptr<Database> db_;
    std::set<Rev> applied_;
    std::set<Rev> verified_ok_;  // up worked: later revisions may build on it
    std::set<Rev> failed_;
    std::vector<ForeignKeyViolation> baseline_;
    VerifyReport report_;
};

// A private temporary directory, removed with what is in it.
class TempDirectory {
  public:
    TempDirectory() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern =
            std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/runner-verify-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) {
            throw Error("verify: cannot create a temporary directory under " +
                        pattern.substr(0, pattern.rfind('/')));
        }
        path_ = pattern;
    }
    TempDirectory(const TempDirectory&) = delete;
    TempDirectory& operator=(const TempDirectory&) = delete;
    ~TempDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

}  // namespace

VerifyReport verify_revisions(const RevisionGraph& graph, const std::vector<Rev>& order,
                              const DatabaseFactory& fresh, const AfterUp& after_up) {
    return Verifier(graph, fresh, after_up).run(order);
}

DatabaseFactory copies_of(Database& source, const std::string& version_table) {
    auto dir = std::make_shared<TempDirectory>();
    const std::string original = dir->path() + "/original.db";
    source.backup().backup_to(original, false);
    const std::string shown = source.describe();
    auto count = std::make_shared<int>(0);
    return [dir, original, shown, version_table, count]() {
        const std::string copy = dir->path() + "/copy-" + std::to_string(++*count) + ".db";
        std::filesystem::copy_file(original, copy);
        OpenOptions options;
        options.version_table = version_table;
        auto db = open_database(copy, OpenMode::kReadWrite, options);
        (void)shown;
        return db;
    };
}

}  // namespace runner
