// Offline mode: a plan written out as one SQL script for a DBA to review and run by hand.
#pragma once

#include <string>
#include <vector>

#include "db/database.hpp"
#include "exec/executor.hpp"
#include "graph/revision_graph.hpp"

namespace runner {

struct OfflineOptions {
    bool atomic = false;  // one BEGIN/COMMIT around everything instead of one per migration
    std::string command;  // what produced the script, for its heading comment
};

// The script for `steps`: the bookkeeping tables, then per migration its body and its
// bookkeeping inside BEGIN/COMMIT (none for non-transactional files), for the sqlite3 shell.
std::string offline_script(const RevisionGraph& graph, const Database& db,
                           const std::vector<Rev>& steps, Direction direction,
                           const OfflineOptions& options, const Identity& who);

}  // namespace runner
