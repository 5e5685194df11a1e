// What the database knows about each revision, as the verbose listings show it: plain data the
// context gathers and presentation renders.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "graph/revision_graph.hpp"

namespace runner {

// What the database knows about each revision, for the verbose form; empty when unreachable.
struct AppliedInfo {
    bool reachable = false;
    std::map<std::string, AppliedRecord> records;
    std::map<std::string, std::vector<LogEntry>> log;  // audit entries per revision, oldest first
    RevSet applied;                                    // including revisions implied by later ones
    std::size_t log_limit = 0;  // the newest entries shown per revision; 0 shows all
};

}  // namespace runner
