// What upgrade, downgrade and reset share: the checks before running a plan, and its report.
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/context.hpp"
#include "exec/executor.hpp"

namespace runner {

struct PlanRequest {
    Direction direction = Direction::kUpgrade;
    std::string target;
    bool atomic = false;
    bool backup = false;
    bool resume = false;
    bool json = false;
    bool allow_drift = false;  // run although applied migrations were edited; logged
};

// The options upgrade and downgrade share: --sql, --atomic, --backup, --resume, --format,
// --allow-drift, --no-create.
boost::program_options::options_description plan_options();

// Reads what plan_options() gave besides the PlanRequest fields: --no-create.
void apply_plan_options(Context& ctx, const boost::program_options::variables_map& vm);

// Refuses on drift (unless allow_drift) or on failed non-transactional migrations in the plan
// (unless resuming), takes a backup when asked, runs the plan, and reports (text on stderr, or JSON
// on stdout).
int run_plan(Context& ctx, const Context::Loaded& loaded, const std::vector<Rev>& steps,
             const PlanRequest& request);

// "<db file>.backup-YYYYmmdd-HHMMSS" in local time.
std::string default_backup_path(const std::string& db_file);

}  // namespace runner
