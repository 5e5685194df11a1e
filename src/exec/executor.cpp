// Runs a plan against a database: one transaction per migration, bookkeeping inside it.
#include "exec/executor.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <ostream>

#include "migration/script_directory.hpp"
#include "util/checksum.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

constexpr int kViolationLimit = 10'000;

class Stopwatch {
  public:
    std::int64_t ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start_)
            .count();
    }

  private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Refuses a file with a NUL byte, naming its line: SQLite would stop reading the text there.
void refuse_nul_bytes(const std::string& path) {
    FileSource source(path);
    std::string chunk;
    int line = 1;
    while (source.read(chunk)) {
        const auto at = chunk.find('\0');
        const auto upto =
            at == std::string::npos ? chunk.end() : chunk.begin() + static_cast<std::ptrdiff_t>(at);
        line += static_cast<int>(std::count(chunk.begin(), upto, '\n'));
        if (at != std::string::npos) {
            throw StatementError(path, line,
                                 "the file contains a NUL byte, so it is not text; SQLite would "
                                 "silently ignore everything after it",
                                 "", 0);
        }
        chunk.clear();
    }
}

}  // namespace

const char* direction_name(Direction direction) {
    return direction == Direction::kUpgrade ? "upgrade" : "downgrade";
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

Identity current_identity() {
    Identity who;
    if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') {
        who.user = user;
    } else if (const passwd* pw = getpwuid(geteuid()); pw != nullptr) {
        who.user = pw->pw_name;
    }
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) {
        who.host = host;
    }
    return who;
}

std::string describe_step(const RevisionGraph& graph, Rev rev, Direction direction) {
    const Migration& m = graph.migration(rev);
    const std::string parents = join(m.down_revisions, ", ");
    std::string text = direction == Direction::kUpgrade
                           ? "upgrade " + parents + " -> " + m.revision
                           : "downgrade " + m.revision + " -> " + parents;
    return m.message.empty() ? text : text + ", " + m.message;
}

Executor::Executor(const RevisionGraph& graph, Database& db, std::ostream& progress, Identity who)
    : graph_(graph), db_(db), progress_(progress), who_(std::move(who)) {}

LogEntry Executor::entry(const std::string& revision, const std::string& action) const {
    LogEntry e;
    e.at = utc_now();
    e.revision = revision;
    e.action = action;
    e.user = who_.user;
    e.host = who_.host;
    return e;
}

void Executor::run(const std::vector<Rev>& steps, Direction direction, const RunOptions& options) {
    done_.clear();
    done_.reserve(steps.size());
    // Violations that exist before the run are the data's, not a migration's: only new ones fail.
    fk_baseline_ = db_.exists()
                       ? db_.foreign_key_violations(kViolationLimit, Database::FkScope::kAll)
                       : std::vector<ForeignKeyViolation>{};
    std::sort(fk_baseline_.begin(), fk_baseline_.end());
    if (!options.atomic) {
        for (const Rev r : steps) {
            run_step(r, direction, options, false);
        }
        return;
    }
    Transaction txn(db_);
    for (const Rev r : steps) {
        run_step(r, direction, options, true);
    }
    txn.commit();
}

bool Executor::still_needed(Rev rev, Direction direction) {
    const std::string& id = graph_.id(rev);
    if (direction == Direction::kUpgrade) {
        if (db_.is_applied(id)) {
            return false;
        }
        for (const Rev p : graph_.normalized_parents(rev)) {
            if (!db_.is_applied(graph_.id(p))) {
                throw Error("cannot apply " + id + ": " + graph_.id(p) +
                            ", which it builds on, is not applied any more (another run changed " +
                            db_.describe() + "); run the command again");
            }
        }
        return true;
    }
    if (!db_.is_applied(id)) {
        return false;
    }
    for (const Rev c : graph_.all_children(rev)) {
        if (db_.is_applied(graph_.id(c))) {
            throw Error("cannot revert " + id + ": " + graph_.id(c) +
                        ", which builds on it, was applied meanwhile (another run changed " +
                        db_.describe() + "); run the command again");
        }
    }
    return true;
}

void Executor::check_foreign_keys(Rev rev, Direction direction) {
    // Only where the migration changed something, unless the baseline is too long to hold
    // whole: then the same full listing (cut at the same place) is compared.
    const bool baseline_whole = fk_baseline_.size() < static_cast<std::size_t>(kViolationLimit);
    auto now = db_.foreign_key_violations(
        kViolationLimit, baseline_whole ? Database::FkScope::kChanged : Database::FkScope::kAll);
    std::vector<std::string> added;
    for (const auto& v : now) {
        if (!std::binary_search(fk_baseline_.begin(), fk_baseline_.end(), v)) {
            added.push_back(v.describe());
        }
    }
    if (added.empty()) {
        return;
    }
    const Migration& m = graph_.migration(rev);
    const std::size_t more = added.size() > 3 ? added.size() - 3 : 0;
    added.resize(std::min<std::size_t>(added.size(), 3));
    throw Error((direction == Direction::kUpgrade ? m.up_path : m.down_path) +
                ": foreign key check failed after the migration ran, so it was rolled back: " +
                join(added, "; ") + (more > 0 ? " (and " + std::to_string(more) + " more)" : ""));
}

void Executor::bookkeeping(Rev rev, Direction direction, const std::string& checksum,
                           std::int64_t ms) {
    const std::string& id = graph_.id(rev);
    db_.ensure_version_table();
    LogEntry e = entry(id, direction_name(direction));
    e.duration_ms = ms;
    if (direction == Direction::kUpgrade) {
        db_.insert_applied(AppliedRecord{id, e.at, ms, checksum, "upgrade"});
        e.checksum = checksum;
    } else {
        db_.delete_applied(id);
    }
    db_.append_log(e);
    db_.clear_partial(id);
}

void Executor::run_step(Rev rev, Direction direction, const RunOptions& options,
                        bool in_transaction) {
    const Migration& m = graph_.migration(rev);
    const bool up = direction == Direction::kUpgrade;
    const std::string& path = up ? m.up_path : m.down_path;
    const bool transactional = up ? m.up_transactional : m.down_transactional;
    progress_ << "Running " << describe_step(graph_, rev, direction)
              << (transactional ? "" : " (non-transactional)") << std::flush;
    const Stopwatch clock;
    const auto skipped = [&] {
        progress_ << " ... skipped: another run already did it" << std::endl;
        done_.push_back(StepReport{rev, direction, 0, true});
    };
    try {
        // A migration may have changed the connection's settings (PRAGMA foreign_keys = ON
        // would make a later table rebuild cascade-delete rows): each starts from runner's.
        db_.reset_session();
        // The body is read in chunks as it runs; its checksum comes from the same single read.
        FileSource body(path);
        if (transactional || in_transaction) {
            std::optional<Transaction> txn;
            if (!in_transaction) {
                txn.emplace(db_);
            }
            if (!still_needed(rev, direction)) {
                skipped();
                return;
            }
            db_.execute_script(body, path);
            check_foreign_keys(rev, direction);
            bookkeeping(rev, direction, up ? body.checksum() : std::string(), clock.ms());
            if (txn) {
                txn->commit();
            }
        } else {
            if (!run_non_transactional(rev, direction, options, body)) {
                skipped();
                return;
            }
            db_.reset_session();  // its PRAGMAs (query_only, ...) are not runner's bookkeeping's
            Transaction txn(db_);
            bookkeeping(rev, direction, up ? body.checksum() : std::string(), clock.ms());
            txn.commit();
        }
    } catch (...) {
        progress_ << " ... failed" << std::endl;
        throw;
    }
    const auto ms = clock.ms();
    progress_ << " (" << ms << " ms)" << std::endl;
    done_.push_back(StepReport{rev, direction, ms, false});
}

bool Executor::run_non_transactional(Rev rev, Direction direction, const RunOptions& options,
                                     TextSource& body) {
    const Migration& m = graph_.migration(rev);
    const std::string& path = direction == Direction::kUpgrade ? m.up_path : m.down_path;
    const std::string dir = direction_name(direction);
    // Its statements commit one by one: a NUL byte that stops the script part-way must be
    // found before the first one runs.
    refuse_nul_bytes(path);
    int skip = 0;
    NonTransactionalRun run;
    {
        Transaction check(db_);
        if (!still_needed(rev, direction)) {
            return false;
        }
        for (const auto& p : db_.partials()) {
            if (p.revision != m.revision) {
                continue;
            }
            if (!options.resume || p.direction != dir) {
                throw Error("migration " + m.revision + " (" + path + ") stopped part-way in " +
                            p.direction + " at statement " + std::to_string(p.statement) +
                            " (line " + std::to_string(p.line) + ") on " + p.at +
                            " UTC: " + p.error + "; run " + p.direction +
                            " again with --resume to continue at that statement, or finish it "
                            "by hand and run 'runner resolve " +
                            m.revision + "'");
            }
            skip = p.statement - 1;
            run.expected_digest = p.digest;
        }
    }
    run.resume_hint =
        "put them back as they ran, or finish the migration by hand and run 'runner "
        "resolve " +
        m.revision + "'";
    // The progress commits with each statement: after a crash the record says where to go on.
    run.record = [&](const ScriptProgress& at) {
        db_.set_partial(PartialRecord{
            m.revision, dir, at.next_statement, at.line,
            "interrupted: the run applying it stopped (killed, or the machine went down) before "
            "statement " +
                std::to_string(at.next_statement) + " was done",
            utc_now(), at.digest});
    };
    try {
        db_.execute_script(body, path, skip, &run);
    } catch (const StatementError& e) {
        const ScriptProgress& at = run.stopped;
        if (at.next_statement <= 1) {
            // Nothing of it is applied: no record is needed either.
            Transaction txn(db_);
            db_.clear_partial(m.revision);
            txn.commit();
            throw;
        }
        const std::string where =
            at.next_statement == e.statement()
                ? std::string()
                : " (at statement " + std::to_string(e.statement()) + ", line " +
                      std::to_string(e.line()) +
                      "; the script's own transaction, begun at the statement where it stopped, "
                      "was rolled back)";
        // Statements before this one stay applied: record where it stopped, so the next run can
        // resume there or the DBA can mark it resolved.
        {
            Transaction txn(db_);
            db_.ensure_version_table();
            db_.set_partial(PartialRecord{m.revision, dir, at.next_statement, at.line,
                                          e.db_message() + where, utc_now(), at.digest});
            LogEntry failed = entry(m.revision, "failed");
            failed.detail = dir + " stopped at statement " + std::to_string(at.next_statement) +
                            " (line " + std::to_string(at.line) + "): " + e.db_message() + where;
            db_.append_log(failed);
            txn.commit();
        }
        throw StatementError(
            path, e.line(),
            e.db_message() + where +
                "; this migration is not transactional, so its statements before statement " +
                std::to_string(at.next_statement) +
                " stayed applied: fix the cause and run the command again with --resume to "
                "continue at that statement (line " +
                std::to_string(at.line) + "), or finish it by hand and run 'runner resolve " +
                m.revision + "'",
            e.excerpt(), e.statement());
    }
    return true;
}

void Executor::stamp(const std::vector<std::string>& removed, const std::vector<Rev>& added,
                     bool purge) {
    std::vector<std::pair<Rev, std::string>> checksums;
    for (const Rev r : added) {
        checksums.emplace_back(r, file_checksum(graph_.migration(r).up_path));
    }
    Transaction txn(db_);
    db_.ensure_version_table();
    if (purge) {
        db_.delete_all_applied();
    }
    for (const auto& id : removed) {
        if (!purge) {
            db_.delete_applied(id);
        }
        db_.append_log(entry(id, "unstamp"));
    }
    for (const auto& [r, sum] : checksums) {
        LogEntry e = entry(graph_.id(r), "stamp");
        e.checksum = sum;
        db_.insert_applied(AppliedRecord{graph_.id(r), e.at, 0, sum, "stamp"});
        db_.append_log(e);
    }
    txn.commit();
}

void Executor::adopt(const std::vector<Rev>& revs, const std::string& alembic_table,
                     const std::vector<std::string>& alembic_rows, bool drop) {
    std::vector<std::pair<Rev, std::string>> checksums;
    for (const Rev r : revs) {
        checksums.emplace_back(r, file_checksum(graph_.migration(r).up_path));
    }
    Transaction txn(db_);
    if (db_.alembic_versions(alembic_table) != alembic_rows ||
        (!revs.empty() && !db_.applied().empty())) {
        throw Error(db_.describe() + " changed while adopting (another process wrote " +
                    alembic_table + " or runner's bookkeeping); nothing was recorded");
    }
    if (!revs.empty()) {
        db_.ensure_version_table();
    }
    for (const auto& [r, sum] : checksums) {
        LogEntry e = entry(graph_.id(r), "adopt");
        e.checksum = sum;
        e.detail = "from " + alembic_table;
        db_.insert_applied(AppliedRecord{graph_.id(r), e.at, 0, sum, "adopt"});
        db_.append_log(e);
    }
    if (drop) {
        db_.drop_alembic_table(alembic_table);
    }
    txn.commit();
}

void Executor::rebless(Rev rev, const std::string& reason) {
    const std::string sum = file_checksum(graph_.migration(rev).up_path);
    Transaction txn(db_);
    db_.update_checksum(graph_.id(rev), sum);
    LogEntry e = entry(graph_.id(rev), "rebless");
    e.checksum = sum;
    e.detail = reason;
    db_.append_log(e);
    txn.commit();
}

void Executor::resolve(Rev rev, Direction direction) {
    const std::string sum = direction == Direction::kUpgrade
                                ? file_checksum(graph_.migration(rev).up_path)
                                : std::string();
    Transaction txn(db_);
    db_.ensure_version_table();
    const std::string& id = graph_.id(rev);
    require_partial(id);
    LogEntry e = entry(id, "resolve");
    e.detail = std::string("finished ") + direction_name(direction) + " by hand";
    if (direction == Direction::kUpgrade) {
        if (!db_.is_applied(id)) {
            db_.insert_applied(AppliedRecord{id, e.at, 0, sum, "upgrade"});
        }
        e.checksum = sum;
    } else if (db_.is_applied(id)) {
        db_.delete_applied(id);
    }
    db_.append_log(e);
    db_.clear_partial(id);
    txn.commit();
}

void Executor::require_partial(const std::string& revision) {
    for (const auto& p : db_.partials()) {
        if (p.revision == revision) {
            return;
        }
    }
    throw Error("no failed migration is recorded for " + revision + " in " + db_.describe() +
                " any more (another run resumed or resolved it meanwhile)");
}

void Executor::forget(const std::string& revision) {
    Transaction txn(db_);
    require_partial(revision);
    db_.clear_partial(revision);
    LogEntry e = entry(revision, "resolve");
    e.detail = "forgot the record of a migration that stopped part-way";
    db_.append_log(e);
    txn.commit();
}

}  // namespace runner
