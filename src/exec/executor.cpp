// Runs a plan against a database: one transaction per migration, bookkeeping inside it.
#include "exec/executor.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <ostream>

#include "migration/script_directory.hpp"
#include "util/checksum.hpp"
#include "util/text.hpp"

namespace runner {

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string describe_step(const RevisionGraph& graph, Rev rev, Direction direction) {
    const Migration& m = graph.migration(rev);
    const std::string parents = join(m.down_revisions, ", ");
    std::string text = direction == Direction::kUpgrade
                           ? "upgrade " + parents + " -> " + m.revision
                           : "downgrade " + m.revision + " -> " + parents;
    return m.message.empty() ? text : text + ", " + m.message;
}

Executor::Executor(const RevisionGraph& graph, Database& db, std::ostream& progress)
    : graph_(graph), db_(db), progress_(progress) {}

std::vector<StepReport> Executor::run(const std::vector<Rev>& steps, Direction direction) {
    std::vector<StepReport> done;
    done.reserve(steps.size());
    for (const Rev r : steps) {
        if (auto report = run_one(r, direction)) {
            done.push_back(*report);
        }
    }
    return done;
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

std::optional<StepReport> Executor::run_one(Rev rev, Direction direction) {
    const Migration& m = graph_.migration(rev);
    const bool up = direction == Direction::kUpgrade;
    const std::string& path = up ? m.up_path : m.down_path;
    const bool transactional = up ? m.up_transactional : m.down_transactional;
    progress_ << "Running " << describe_step(graph_, rev, direction)
              << (transactional ? "" : " (non-transactional)") << std::flush;

    const auto started = std::chrono::steady_clock::now();
    const auto elapsed_ms = [&started] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
            .count();
    };
    try {
        const std::string body = read_file(path);
        AppliedRecord record;
        if (up) {
            record.revision = m.revision;
            record.checksum = migration_checksum(body);
            record.how = "upgrade";
        }
        const auto bookkeeping = [&] {
            if (up) {
                db_.ensure_version_table();
                record.applied_at = utc_now();
                record.duration_ms = elapsed_ms();
                db_.insert_applied(record);
            } else {
                db_.delete_applied(m.revision);
            }
        };
        if (transactional) {
            Transaction txn(db_);
            if (!still_needed(rev, direction)) {
                progress_ << " ... skipped: another run already did it" << std::endl;
                return std::nullopt;
            }
            db_.execute_script(body, path);
            bookkeeping();
            txn.commit();
        } else {
            {
                Transaction check(db_);
                if (!still_needed(rev, direction)) {
                    progress_ << " ... skipped: another run already did it" << std::endl;
                    return std::nullopt;
                }
            }
            db_.execute_script(body, path);
            Transaction txn(db_);
            bookkeeping();
            txn.commit();
        }
    } catch (...) {
        progress_ << " ... failed" << std::endl;
        throw;
    }
    const auto ms = elapsed_ms();
    progress_ << " (" << ms << " ms)" << std::endl;
    return StepReport{rev, direction, ms};
}

void Executor::stamp(const std::vector<Rev>& before, const std::vector<Rev>& after, bool purge) {
    Transaction txn(db_);
    db_.ensure_version_table();
    if (purge) {
        db_.delete_all_applied();
    }
    const auto contains = [](const std::vector<Rev>& v, Rev r) {
        return std::find(v.begin(), v.end(), r) != v.end();
    };
    for (const Rev r : before) {
        if (!contains(after, r) && !purge) {
            db_.delete_applied(graph_.id(r));
        }
    }
    const std::string now = utc_now();
    for (const Rev r : after) {
        if (purge || !contains(before, r)) {
            db_.insert_applied(AppliedRecord{graph_.id(r), now, 0, "", "stamp"});
        }
    }
    txn.commit();
}

}  // namespace runner
