// Up, down, up again for each revision on a disposable database; see verify.hpp.
#include "exec/verify.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>

#include "exec/executor.hpp"
#include "exec/scratch_schema.hpp"
#include "exec/verify_snapshot.hpp"
#include "migration/script_directory.hpp"
#include "plan/planner.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

class Verifier {
  public:
    Verifier(const RevisionGraph& graph, const DatabaseFactory& fresh, const VerifyHooks& hooks)
        : graph_(graph), fresh_(fresh), hooks_(hooks) {}

    VerifyReport run(const std::vector<Rev>& order) {
        start(std::nullopt);
        report_.database = db_->describe();
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
        // Foreign-key violations the database has now are the data's, not a step's; the
        // executor checks each step for new ones.
        known_violations_.clear();
        if (ForeignKeyGuard* guard = db_->connection().foreign_keys()) {
            known_violations_ = guard->violations(10'000, ForeignKeyGuard::Scope::kAll);
            std::sort(known_violations_.begin(), known_violations_.end());
        }
        snapshots_ = std::make_unique<Snapshots>(*db_);
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
            RunOptions options;
            options.observer = snapshots_->observer();
            options.known_violations = &known_violations_;
            executor.run({r}, direction, options);
        } catch (const StatementError& e) {
            snapshots_->forget();
            problem(r, name, direction, std::string(name) + " failed: " + e.what());
            report_.problems.back().failed = true;
            report_.problems.back().line = e.line();
            return false;
        } catch (const Error& e) {
            snapshots_->forget();
            problem(r, name, direction, std::string(name) + " failed: " + e.what());
            report_.problems.back().failed = true;
            return false;
        }
        (void)m;
        const auto problems = snapshots_->after_step();
        for (const auto& p : problems) {
            problem(r, name, direction, "after the " + std::string(name) + ": " + p);
        }
        return problems.empty();
    }

    // Runs `path` (an up whose statements worked but whose foreign-key check failed) again in a
    // transaction that is rolled back, and reads the schema it left; nothing when it fails.
    std::optional<Schema> schema_left_by(const std::string& path) {
        Connection& c = db_->connection();
        std::optional<Schema> left;
        try {
            c.reset_session();
            Transaction<Connection> txn(c);
            FileSource body(path);
            c.run_script(body, path, ScriptRun{});
            left = read_database_schema(*db_);
        } catch (const Error&) {
            left.reset();
        }
        // What the foreign-key guard noted of the scripts since its last look is rolled back.
        try {
            c.reset_session();
            if (ForeignKeyGuard* guard = c.foreign_keys()) {
                guard->violations(1, ForeignKeyGuard::Scope::kAll);
            }
        } catch (const Error&) {
        }
        return left;
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
            snapshots_->forget();  // run without the observer
        }
        report_.verified.push_back(r);
        const Snapshot before = snapshots_->take();
        if (!step(r, Direction::kUpgrade, "up")) {
            // Rolled back: the database is as before, and what builds on r cannot be verified.
            failed_.insert(r);
            const VerifyProblem& p = report_.problems.back();
            if (hooks_.up_failed && p.line == 0 && graph_.migration(r).up_transactional) {
                hooks_.up_failed(r, before, p, schema_left_by(graph_.migration(r).up_path));
            }
            return;
        }
        const Snapshot after_up = snapshots_->take();
        if (hooks_.after_up) {
            hooks_.after_up(r, *db_, before, after_up, snapshots_->changed_by_last_step());
        }
        bool sound = true;
        if (!step(r, Direction::kDowngrade, "down")) {
            // Rolled back: r stays applied.
            verified_ok_.insert(r);
            applied_.insert(r);
            return;
        }
        const Snapshot after_down = snapshots_->take();
        if (auto d = diff_snapshots(before, after_down); !d.empty()) {
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
        } else if (auto d = diff_snapshots(after_up, snapshots_->take()); !d.empty()) {
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
    const VerifyHooks& hooks_;
    std::unique_ptr<Database> db_;
    std::set<Rev> applied_;
    std::set<Rev> verified_ok_;  // up worked: later revisions may build on it
    std::set<Rev> failed_;
    std::vector<ForeignKeyViolation> known_violations_;
    std::unique_ptr<Snapshots> snapshots_;
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
                              const DatabaseFactory& fresh, const VerifyHooks& hooks) {
    return Verifier(graph, fresh, hooks).run(order);
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
