// Runs a plan against a database: one transaction per migration, bookkeeping inside it.
#include "exec/executor.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ostream>

#include "exec/retry.hpp"
#include "migration/script_directory.hpp"
#include "util/checksum.hpp"
#include "util/sql_comments.hpp"
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

// A file that ends inside a /* comment is refused before anything runs: SQLite would take the
// rest of the file, whatever was meant to follow, as the comment.
void refuse_open_comment(const std::string& path) {
    FileSource source(path);
    CommentTracker tracker;
    std::string chunk;
    while (source.read(chunk)) {
        tracker.feed(chunk);
        chunk.clear();
    }
    if (const int line = tracker.open_comment_line(); line != 0) {
        throw Error(open_comment_message(path, line));
    }
}

}  // namespace

const char* direction_name(Direction direction) {
    return direction == Direction::kUpgrade ? "upgrade" : "downgrade";
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
    : graph_(graph),
      db_(db.connection()),
      book_(db.bookkeeping()),
      progress_(progress),
      who_(std::move(who)) {}

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
    pending_duration_.reset();
    for (const Rev r : steps) {
        const Migration& m = graph_.migration(r);
        refuse_open_comment(direction == Direction::kUpgrade ? m.up_path : m.down_path);
    }
    // Violations that exist before the run are the data's, not a migration's: only new ones fail.
    ForeignKeyGuard* guard = db_.foreign_keys();
    fk_baseline_ = guard == nullptr ? std::vector<ForeignKeyViolation>{}
                   : options.known_violations
                       ? *options.known_violations
                       : guard->violations(kViolationLimit, ForeignKeyGuard::Scope::kAll);
    std::sort(fk_baseline_.begin(), fk_baseline_.end());
    known_violations_ = options.known_violations;
    if (!options.atomic) {
        for (const Rev r : steps) {
            run_step(r, direction, options, false);
        }
        if (pending_duration_) {
            // The last step's duration with its commit; worth a short transaction, not a failure.
            try {
                Transaction txn(db_);
                store_pending_duration();
                txn.commit();
            } catch (const Error&) {
                pending_duration_.reset();  // it keeps the duration measured before its commit
            }
        }
        return;
    }
    const Stopwatch clock;
    std::size_t index = 0;
    try {
        Transaction txn(db_);
        for (; index < steps.size(); ++index) {
            run_step(steps[index], direction, options, true);
        }
        txn.commit();
    } catch (const Error& e) {
        // The progress lines of the steps before the failure looked like successes: say that
        // they were undone with the rest.
        const bool refused = dynamic_cast<const RefusedStatementError*>(&e) != nullptr;
        for (const auto& d : done_) {
            if (!d.skipped) {
                progress_ << "Rolled back " << describe_step(graph_, d.rev, d.direction)
                          << " (--atomic: undone with the step that failed)" << std::endl;
            }
        }
        if (index < steps.size() && step_started_ && !refused) {
            log_failure(steps[index], direction, e.what());
        }
        throw;
    }
    progress_ << "Committed " << done_.size() << (done_.size() == 1 ? " step" : " steps")
              << " in one transaction (" << clock.ms() << " ms)" << std::endl;
}

void Executor::store_pending_duration() {
    if (pending_duration_) {
        book_.correct_duration(pending_duration_->first, pending_duration_->second);
        pending_duration_.reset();
    }
}

void Executor::log_failure(Rev rev, Direction direction, const std::string& why) noexcept {
    // After the rollback, in a transaction of its own. Best effort: a database that cannot be
    // written (read-only, full, locked) keeps no entry, and the migration's own error is what
    // the user sees. A database this run created keeps nothing (it is removed).
    try {
        if (!db_.exists() || !book_.exists()) {
            return;
        }
        Transaction txn(db_);
        store_pending_duration();
        LogEntry failed = entry(graph_.id(rev), "failed");
        failed.detail = std::string(direction_name(direction)) + " rolled back: " + why;
        book_.append_log(failed);
        txn.commit();
    } catch (const std::exception&) {
        pending_duration_.reset();
    }
}

bool Executor::still_needed(Rev rev, Direction direction) {
    // The revision and its neighbours in one query: a round trip per step, not one per revision.
    const std::string& id = graph_.id(rev);
    const bool up = direction == Direction::kUpgrade;
    const std::vector<Rev>& neighbours =
        up ? graph_.normalized_parents(rev) : graph_.all_children(rev);
    std::vector<std::string> ids{id};
    for (const Rev n : neighbours) {
        ids.push_back(graph_.id(n));
    }
    auto applied = book_.applied_among(ids);
    std::sort(applied.begin(), applied.end());
    const auto is_applied = [&](const std::string& r) {
        return std::binary_search(applied.begin(), applied.end(), r);
    };
    if (is_applied(id) == up) {
        return false;  // already applied (an upgrade) or already reverted (a downgrade)
    }
    for (const Rev n : neighbours) {
        const std::string& other = graph_.id(n);
        if (up && !is_applied(other)) {
            throw Error("cannot apply " + id + ": " + other +
                        ", which it builds on, is not applied any more (another run changed " +
                        db_.describe() + "); run the command again");
        }
        if (!up && is_applied(other)) {
            throw Error("cannot revert " + id + ": " + other +
                        ", which builds on it, was applied meanwhile (another run changed " +
                        db_.describe() + "); run the command again");
        }
    }
    return true;
}

void Executor::check_foreign_keys(Rev rev, Direction direction) {
    // Only where the migration changed something, unless the baseline is too long to hold
    // whole: then the same full listing (cut at the same place) is compared.
    ForeignKeyGuard* guard = db_.foreign_keys();
    if (guard == nullptr) {
        return;  // the backend enforces foreign keys itself
    }
    const bool baseline_whole = fk_baseline_.size() < static_cast<std::size_t>(kViolationLimit);
    const auto now =
        guard->violations(kViolationLimit, baseline_whole ? ForeignKeyGuard::Scope::kChanged
                                                          : ForeignKeyGuard::Scope::kAll);
    // A table the migration renamed keeps the violations it had: they are not new.
    guard->follow_renames(fk_baseline_);
    if (known_violations_ != nullptr) {
        *known_violations_ = fk_baseline_;
    }
    std::vector<std::string> added;
    for (const auto& v : now) {
        if (!std::binary_search(fk_baseline_.begin(), fk_baseline_.end(), v)) {
            added.push_back(v.describe());  // only the message is text
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

LogEntry Executor::bookkeeping(Rev rev, Direction direction, const std::string& checksum,
                               std::int64_t ms) {
    const std::string& id = graph_.id(rev);
    book_.ensure_tables();
    LogEntry e = entry(id, direction_name(direction));
    e.duration_ms = ms;
    std::optional<AppliedRecord> applied;
    if (direction == Direction::kUpgrade) {
        applied = AppliedRecord{id, e.at, ms, checksum, "upgrade"};
        e.checksum = checksum;
    }
    // The previous step's duration goes with this step's records (one round trip where the
    // backend can send them together).
    book_.record_step(e, applied ? &*applied : nullptr, pending_duration_);
    pending_duration_.reset();
    return e;
}

void Executor::run_step(Rev rev, Direction direction, const RunOptions& options,
                        bool in_transaction) {
    const Migration& m = graph_.migration(rev);
    const bool up = direction == Direction::kUpgrade;
    const std::string& path = up ? m.up_path : m.down_path;
    const bool transactional = up ? m.up_transactional : m.down_transactional;
    const std::string running = "Running " + describe_step(graph_, rev, direction) +
                                (transactional ? "" : " (non-transactional)");
    progress_ << running << std::flush;
    const Stopwatch clock;
    const auto skipped = [&] {
        progress_ << " ... skipped: another run already did it" << std::endl;
        done_.push_back(StepReport{rev, direction, 0, true});
    };
    bool& started = step_started_;  // whether any of the migration's statements ran
    started = false;
    std::optional<LogEntry> logged;
    std::int64_t shown_ms = 0;
    ScriptRun script;
    script.timeouts = (up ? m.up_timeouts : m.down_timeouts).or_else(options.timeouts);
    script.observer = options.observer;
    try {
        // A migration may have changed the connection's settings (PRAGMA foreign_keys = ON
        // would make a later table rebuild cascade-delete rows): each starts from runner's.
        db_.reset_session();
        // The body is read in chunks as it runs; its checksum comes from the same single read.
        std::optional<FileSource> body(std::in_place, path);
        // A failure caused by other sessions (a lock timeout, ...) rolls the migration back
        // whole: it is tried again from the start (not under --atomic, whose plan is undone).
        for (int failures = 0; transactional || in_transaction; ++failures) {
            try {
                std::optional<Transaction<Connection>> txn;
                if (!in_transaction) {
                    txn.emplace(db_);
                }
                if (!still_needed(rev, direction)) {
                    if (txn) {
                        store_pending_duration();
                        txn->commit();
                    }
                    skipped();
                    return;
                }
                started = true;
                db_.run_script(*body, path, script);
                check_foreign_keys(rev, direction);
                if (txn) {
                    logged = bookkeeping(rev, direction, up ? body->checksum() : std::string(),
                                         clock.ms());
                    txn->commit();
                    shown_ms = clock.ms();
                } else {
                    // Under --atomic the commit is the plan's: shown on its own line.
                    shown_ms = clock.ms();
                    bookkeeping(rev, direction, up ? body->checksum() : std::string(), shown_ms);
                }
                break;
            } catch (const RefusedStatementError&) {
                throw;  // refused before it ran: nothing to log, the database stays as it was
            } catch (const Error& e) {
                if (started && !in_transaction) {
                    log_failure(rev, direction, e.what());
                }
                const auto* statement = dynamic_cast<const StatementError*>(&e);
                if (in_transaction || statement == nullptr ||
                    !retry_after(*statement, failures, options.retries, progress_, "the migration",
                                 running)) {
                    throw;
                }
                db_.reset_session();
                body.emplace(path);
            }
        }
        if (!transactional && !in_transaction) {
            script.retry_statement = [&](const StatementError& e, int failures) {
                return retry_after(e, failures, options.retries, progress_, "the statement",
                                   running);
            };
            if (!run_non_transactional(rev, direction, options, *body, script)) {
                skipped();
                return;
            }
            db_.reset_session();  // its PRAGMAs (query_only, ...) are not runner's bookkeeping's
            Transaction txn(db_);
            logged = bookkeeping(rev, direction, up ? body->checksum() : std::string(), clock.ms());
            txn.commit();
            shown_ms = clock.ms();
        }
    } catch (const LockTimeoutError&) {
        progress_ << (started ? " ... failed" : " ... not started") << std::endl;
        throw;
    } catch (...) {
        progress_ << " ... failed" << std::endl;
        throw;
    }
    if (logged && logged->duration_ms != shown_ms) {
        pending_duration_.emplace(*logged, shown_ms);  // stored with the next write
    }
    progress_ << " (" << shown_ms << " ms)" << std::endl;
    done_.push_back(StepReport{rev, direction, shown_ms, false});
}

bool Executor::run_non_transactional(Rev rev, Direction direction, const RunOptions& options,
                                     TextSource& body, ScriptRun script) {
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
        for (const auto& p : book_.partials()) {
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
    step_started_ = true;
    run.resume_hint =
        "put them back as they ran, or finish the migration by hand and run 'runner "
        "resolve " +
        m.revision + "'";
    // The progress commits with each statement: after a crash the record says where to go on.
    run.record = [&](const ScriptProgress& at) {
        book_.set_partial(PartialRecord{
            m.revision, dir, at.next_statement, at.line,
            "interrupted: the run applying it stopped (killed, or the machine went down) before "
            "statement " +
                std::to_string(at.next_statement) + " was done",
            utc_now(), at.digest});
    };
    try {
        script.skip = skip;
        script.non_transactional = &run;
        db_.run_script(body, path, script);
    } catch (const StatementError& e) {
        const ScriptProgress& at = run.stopped;
        if (at.next_statement <= 1) {
            // Nothing of it is applied: no record is needed either (nor its table, when this
            // run made it), and the failure is logged as a transactional one's is.
            Transaction txn(db_);
            book_.clear_partial(m.revision);
            book_.drop_partial_table_if_new_and_empty();
            if (book_.exists()) {
                LogEntry failed = entry(m.revision, "failed");
                failed.detail = dir + " stopped at statement 1 (line " + std::to_string(e.line()) +
                                "), nothing of it applied: " + e.db_message();
                book_.append_log(failed);
            }
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
            book_.ensure_tables();
            book_.set_partial(PartialRecord{m.revision, dir, at.next_statement, at.line,
                                            e.db_message() + where, utc_now(), at.digest});
            LogEntry failed = entry(m.revision, "failed");
            failed.detail = dir + " stopped at statement " + std::to_string(at.next_statement) +
                            " (line " + std::to_string(at.line) + "): " + e.db_message() + where;
            book_.append_log(failed);
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
    book_.ensure_tables();
    if (purge) {
        book_.delete_all_applied();
    }
    for (const auto& id : removed) {
        if (!purge) {
            book_.delete_applied(id);
        }
        book_.append_log(entry(id, "unstamp"));
    }
    for (const auto& [r, sum] : checksums) {
        LogEntry e = entry(graph_.id(r), "stamp");
        e.checksum = sum;
        book_.insert_applied(AppliedRecord{graph_.id(r), e.at, 0, sum, "stamp"});
        book_.append_log(e);
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
    if (book_.alembic_versions(alembic_table) != alembic_rows ||
        (!revs.empty() && !book_.applied().empty())) {
        throw Error(db_.describe() + " changed while adopting (another process wrote " +
                    alembic_table + " or runner's bookkeeping); nothing was recorded");
    }
    if (!revs.empty()) {
        book_.ensure_tables();
    }
    for (const auto& [r, sum] : checksums) {
        LogEntry e = entry(graph_.id(r), "adopt");
        e.checksum = sum;
        e.detail = "from " + alembic_table;
        book_.insert_applied(AppliedRecord{graph_.id(r), e.at, 0, sum, "adopt"});
        book_.append_log(e);
    }
    if (drop) {
        book_.drop_alembic_table(alembic_table);
    }
    txn.commit();
}

void Executor::rebless(Rev rev, const std::string& reason) {
    const std::string sum = file_checksum(graph_.migration(rev).up_path);
    Transaction txn(db_);
    book_.update_checksum(graph_.id(rev), sum);
    LogEntry e = entry(graph_.id(rev), "rebless");
    e.checksum = sum;
    e.detail = reason;
    book_.append_log(e);
    txn.commit();
}

void Executor::resolve(Rev rev, Direction direction) {
    const std::string sum = direction == Direction::kUpgrade
                                ? file_checksum(graph_.migration(rev).up_path)
                                : std::string();
    Transaction txn(db_);
    book_.ensure_tables();
    const std::string& id = graph_.id(rev);
    require_partial(id);
    LogEntry e = entry(id, "resolve");
    e.detail = std::string("finished ") + direction_name(direction) + " by hand";
    if (direction == Direction::kUpgrade) {
        if (!book_.is_applied(id)) {
            book_.insert_applied(AppliedRecord{id, e.at, 0, sum, "upgrade"});
        }
        e.checksum = sum;
    } else if (book_.is_applied(id)) {
        book_.delete_applied(id);
    }
    book_.append_log(e);
    book_.clear_partial(id);
    txn.commit();
}

void Executor::require_partial(const std::string& revision) {
    for (const auto& p : book_.partials()) {
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
    book_.clear_partial(revision);
    LogEntry e = entry(revision, "resolve");
    e.detail = "forgot the record of a migration that stopped part-way";
    book_.append_log(e);
    txn.commit();
}

}  // namespace runner
