// The reports of the commands: what a command found, rendered as text or as JSON (--format
// json). Commands gather; these only render.
#pragma once

#include <string>
#include <vector>

#include "app/applied_info.hpp"
#include "db/bookkeeping.hpp"
#include "exec/drift.hpp"
#include "exec/executor.hpp"
#include "graph/revision_graph.hpp"
#include "schema/diff.hpp"
#include "util/error.hpp"

namespace runner {

// {"KEY": [revision, ...]} of `revs` (revision_json objects); those in `current` are marked
// current. With `database`, {"database": ..., "KEY": [...]}.
std::string revisions_report_json(const RevisionGraph& graph, const char* key,
                                  const std::vector<Rev>& revs, const AppliedInfo* applied,
                                  const std::vector<Rev>& current = {},
                                  const std::string* database = nullptr);

// What `runner check` found.
struct CheckReport {
    const char* status = "ok";  // ok, pending, drift, failed, schema
    int exit_code = 0;
    std::string database;
    std::vector<Rev> current;
    std::vector<Rev> pending;
    std::vector<Drift> drift;
    std::vector<PartialRecord> failed;
    bool schema_checked = false;  // --schema
    std::vector<SchemaDifference> schema;
};
std::string check_report_json(const RevisionGraph& graph, const CheckReport& report);
std::string check_report_text(const RevisionGraph& graph, const CheckReport& report);
// check on a database Alembic manages that runner has not adopted: status not_adopted.
std::string not_adopted_json(const std::string& database, const std::vector<std::string>& alembic,
                             const std::string& message);

// What `runner adopt` did.
struct AdoptReport {
    const char* status = "adopted";  // adopted, already_adopted, nothing_to_adopt
    std::string database;
    std::string alembic_table;
    std::vector<std::string> alembic_versions;
    std::vector<Rev> recorded;
    bool dropped = false;
};
std::string adopt_report_json(const RevisionGraph& graph, const AdoptReport& report);
std::string adopt_report_text(const AdoptReport& report);

// What running one or more plans did (upgrade, downgrade, reset).
struct PlanReport {
    std::vector<StepReport> steps;  // completed and kept (none of a failed --atomic plan)
    std::string backup;             // the backup taken, if any
    bool nothing_to_do = true;
};
// The JSON report of upgrade, downgrade and reset; `error` is null on success.
std::string plan_report_json(const RevisionGraph& graph, const std::string& command,
                             const std::string& target, const std::string& database,
                             const PlanReport& report, const Error* error);

}  // namespace runner
