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

// A recorded checksum in the older line form that still matches its file: the new form to
// store instead.
struct Renewal {
    std::string revision;
    std::string checksum;
};

// Reads the up file of every applied revision that has a recorded checksum and returns those
// whose checksum changed: edits to comments and whitespace do not count (migration_checksum).
// A checksum recorded in the older line form is compared in that form; when it matches, the
// new form to store goes to `renewals` (when given).
std::vector<Drift> find_drift(const RevisionGraph& graph, const std::vector<AppliedRecord>& records,
                              std::vector<Renewal>* renewals = nullptr);

// Stores the renewed checksums, in one transaction (the database must be open for writing).
void renew_checksums(Database& db, const std::vector<Renewal>& renewals);

// Records in the audit log that `command` ran despite drift (--allow-drift): one entry per
// drifted revision, action "allow-drift", with both checksums.
void log_allowed_drift(Database& db, const RevisionGraph& graph, const std::vector<Drift>& drift,
                       const std::string& command, const std::string& user,
                       const std::string& host);

// One line naming each drifted file and saying what to do.
std::string drift_message(const RevisionGraph& graph, const std::vector<Drift>& drift);

}  // namespace runner
