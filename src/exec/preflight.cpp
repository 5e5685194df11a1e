// The rules checked before a plan runs: drift, partial failures, --atomic, backups. Pure.
#include "exec/preflight.hpp"

#include <algorithm>

namespace runner {

std::optional<std::string> check_drift(const RevisionGraph& graph, const std::vector<Drift>& drift,
                                       bool allow_drift) {
    if (drift.empty()) {
        return std::nullopt;
    }
    if (!allow_drift) {
        throw Error(drift_message(graph, drift) + " (or, in an emergency, run with --allow-drift)");
    }
    return "--allow-drift: " + drift_message(graph, drift);
}

void check_partials(const RevisionGraph& graph, const std::vector<PartialRecord>& partials,
                    const std::vector<Rev>& steps, Direction direction, bool resume) {
    for (const auto& p : partials) {
        const auto r = graph.find(p.revision);
        if (!r) {
            throw Error("a migration " + p.revision + " stopped part-way in " + p.direction +
                        " at statement " + std::to_string(p.statement) + " on " + p.at +
                        " UTC: " + p.error +
                        "; no migration file declares that revision any more. Put the database "
                        "in the state you want by hand, then run 'runner resolve --forget " +
                        p.revision + "' to remove the record");
        }
        const bool in_plan = std::find(steps.begin(), steps.end(), *r) != steps.end();
        if (!(in_plan && resume && p.direction == direction_name(direction))) {
            throw Error(
                "migration " + p.revision + " (" +
                (p.direction == "upgrade" ? graph.migration(*r).up_path
                                          : graph.migration(*r).down_path) +
                ") is not transactional and stopped at statement " + std::to_string(p.statement) +
                " (line " + std::to_string(p.line) + ") on " + p.at + " UTC: " + p.error +
                "; the statements before it are applied. Run again with --resume to continue at "
                "that statement, or finish it by hand and run 'runner resolve " +
                p.revision + "'");
        }
    }
}

void check_atomic(const RevisionGraph& graph, const std::vector<Rev>& steps, Direction direction) {
    const bool up = direction == Direction::kUpgrade;
    for (const Rev r : steps) {
        const Migration& m = graph.migration(r);
        if (!(up ? m.up_transactional : m.down_transactional)) {
            throw Error("--atomic cannot run " + (up ? m.up_path : m.down_path) +
                        ": it is marked 'transactional: false'; run without --atomic");
        }
    }
}

std::string nothing_to_do_message(Direction direction, const std::string& database,
                                  const std::string& target) {
    const bool up = direction == Direction::kUpgrade;
    return std::string("Nothing to ") + direction_name(direction) + ": " + database +
           (up ? " already has every migration '" : " has nothing applied above '") + target +
           (up ? "' needs" : "'");
}

BackupDecision decide_backup(bool asked, bool database_exists) {
    if (!asked) {
        return BackupDecision::kNotAsked;
    }
    return database_exists ? BackupDecision::kTake : BackupDecision::kNoDatabase;
}

std::string default_backup_path(const std::string& db_file, std::time_t now) {
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return db_file + ".backup-" + buf;
}

}  // namespace runner
