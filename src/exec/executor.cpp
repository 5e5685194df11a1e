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
                       : std::vector<std::string>{};
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
    for (auto& v : now) {
        if (!std::binary_search(fk_baseline_.begin(), fk_baseline_.end(), v)) {
            added.push_back(std::move(v));
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
            int skip = 0;
            {
                Transaction check(db_);
                if (!still_needed(rev, direction)) {
                    skipped();
                    return;
                }
                for (const auto& p : db_.partials()) {
                    if (p.revision == m.revision && p.direction == direction_name(direction) &&
                        options.resume) {
                        skip = p.statement - 1;
                    }
                }
            }
            try {
                db_.execute_script(body, path, skip);
            } catch (const StatementError& e) {
                if (e.statement() == 1 && skip == 0) {
                    throw;  // nothing ran: the database is unchanged, nothing to record
                }
                // Statements before this one stay applied: record where it stopped, so the next
                // run can resume there or the DBA can mark it resolved.
                {
                    Transaction txn(db_);
                    db_.ensure_version_table();
                    db_.set_partial(PartialRecord{m.revision, direction_name(direction),
                                                  e.statement(), e.line(), e.db_message(),
                                                  utc_now()});
                    LogEntry failed = entry(m.revision, "failed");
                    failed.detail = std::string(direction_name(direction)) +
                                    " stopped at statement " + std::to_string(e.statement()) +
                                    " (line " + std::to_string(e.line()) + "): " + e.db_message();
                    db_.append_log(failed);
                    txn.commit();
                }
                throw StatementError(
                    path, e.line(),
                    e.db_message() +
                        "; this migration is not transactional, so its statements "
                        "before statement " +
                        std::to_string(e.statement()) +
                        " stayed applied: fix the cause and run the command again with --resume "
                        "to continue at that statement, or finish it by hand and run 'runner "
                        "resolve " +
                        m.revision + "'",
                    e.excerpt(), e.statement());
            }
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

}  // namespace runner
