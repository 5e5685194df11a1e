// Drift: applied migrations whose up file changed since they were applied.
#include "exec/drift.hpp"

#include "migration/script_directory.hpp"
#include "util/checksum.hpp"
#include "util/text.hpp"

namespace runner {

std::vector<Drift> find_drift(const RevisionGraph& graph,
                              const std::vector<AppliedRecord>& records) {
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
        if (now != record.checksum) {
            out.push_back(Drift{*r, path, record.applied_at, record.checksum, std::move(now)});
        }
    }
    return out;
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
