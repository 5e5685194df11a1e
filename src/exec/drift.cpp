// Drift: applied migrations whose up file changed since they were applied.
#include "exec/drift.hpp"

#include "exec/executor.hpp"
#include "migration/script_directory.hpp"
#include "util/checksum.hpp"
#include "util/text.hpp"

namespace runner {

std::vector<Drift> find_drift(const RevisionGraph& graph, const std::vector<AppliedRecord>& records,
                              std::vector<Renewal>* renewals) {
    std::vector<Drift> out;
    for (const auto& record : records) {
        if (record.checksum.empty()) {
            continue;  // recorded before checksums, or by hand
        }
        const auto r = graph.find(record.revision);
        if (!r) {
            continue;  // reported elsewhere as a revision no file declares
        }
        const std::string& path = graph.migration(*r).up_path;
        std::string now = file_checksum(path);
        if (now == record.checksum) {
            continue;
        }
        if (is_line_checksum(record.checksum) &&
            file_checksum(path, ChecksumStream::Form::kLines) == record.checksum) {
            if (renewals != nullptr) {
                renewals->push_back(Renewal{record.revision, std::move(now)});
            }
            continue;
        }
        out.push_back(Drift{*r, path, record.applied_at, record.checksum, std::move(now)});
    }
    return out;
}

void renew_checksums(Database& db, const std::vector<Renewal>& renewals) {
    if (renewals.empty()) {
        return;
    }
    Transaction tx(db.connection());
    for (const auto& r : renewals) {
        db.bookkeeping().update_checksum(r.revision, r.checksum);
    }
    tx.commit();
}

void log_allowed_drift(Database& db, const RevisionGraph& graph, const std::vector<Drift>& drift,
                       const std::string& command, const std::string& user,
                       const std::string& host) {
    Transaction tx(db.connection());
    db.bookkeeping().ensure_tables();
    for (const auto& d : drift) {
        LogEntry e;
        e.at = utc_now();
        e.revision = graph.id(d.rev);
        e.action = "allow-drift";
        e.checksum = d.current;
        e.user = user;
        e.host = host;
        e.detail = "'" + command + "' ran with --allow-drift although " + d.path +
                   " was edited since it ran (recorded " + d.recorded + ")";
        db.bookkeeping().append_log(e);
    }
    tx.commit();
}

std::string drift_message(const RevisionGraph& graph, const std::vector<Drift>& drift) {
    std::vector<std::string> items;
    std::vector<std::string> ids;
    for (const auto& d : drift) {
        items.push_back(d.path + " (revision " + graph.id(d.rev) + ", applied " + d.applied_at +
                        " UTC)");
        ids.push_back(graph.id(d.rev));
    }
    return std::string(drift.size() == 1 ? "an applied migration was edited since it ran: "
                                         : "applied migrations were edited since they ran: ") +
           join(items, ", ") +
           "; restore the file, or review the change and record it with 'runner rebless " +
           join(ids, " ") + " --reason \"...\"'";
}

}  // namespace runner
