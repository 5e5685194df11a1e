// What upgrade, downgrade and reset share: the checks before running a plan, and its report.
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "app/context.hpp"
#include "commands/options.hpp"
#include "exec/executor.hpp"
#include "present/reports.hpp"

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

// Parses upgrade's or downgrade's arguments: TARGET and the options they share (--sql,
// --atomic, --backup, --resume, --format, --allow-drift, --no-create).
std::optional<PlanOptions> parse_plan_command(Context& ctx, const Args& args, const char* usage,
                                              const char* description);

// The PlanRequest for running `options` in `direction`; applies --no-create to the context.
PlanRequest plan_request(Context& ctx, Direction direction, const PlanOptions& options);

// Applies the rules of exec/preflight.hpp (drift unless allow_drift, migrations that stopped
// part-way unless resuming, --atomic), takes a backup when asked, and runs the plan, adding what
// it did to `report` (also when it throws). Progress and, in text mode, "Nothing to ..." go to
// stderr.
void execute_plan(Context& ctx, const Context::Loaded& loaded, const std::vector<Rev>& steps,
                  const PlanRequest& request, PlanReport& report);

// execute_plan, then the JSON report on stdout when asked for (on failure too).
int run_plan(Context& ctx, const Context::Loaded& loaded, const std::vector<Rev>& steps,
             const PlanRequest& request);

}  // namespace runner
