// Drift: applied migrations whose up file changed since they were applied.
#pragma once

#include <string>
#include <vector>

#include "db/database.hpp"
#include "graph/revision_graph.hpp"

namespace runner {

struct Drift {
    Rev rev = 0;
    std::string path;
    std::string applied_at;
    std::string recorded;  // checksum stored when applied (or last reblessed)
    std::string current;   // checksum of the file now
};

// Reads the up file of every applied revision that has a recorded checksum and returns those
// whose normalised checksum changed (line endings and trailing blanks do not count).
std::vector<Drift> find_drift(const RevisionGraph& graph,
                              const std::vector<AppliedRecord>& records);

// One line naming each drifted file and saying what to do.
std::string drift_message(const RevisionGraph& graph, const std::vector<Drift>& drift);

}  // namespace runner
