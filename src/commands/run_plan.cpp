// What upgrade, downgrade and reset share: the checks before running a plan, and its report.
#include "commands/run_plan.hpp"

#include "commands/commands.hpp"

#include <algorithm>
#include <ctime>
#include <ostream>

#include "exec/drift.hpp"
#include "exec/preflight.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

boost::program_options::options_description plan_options() {
    namespace po = boost::program_options;
    po::options_description options("Options");
    options.add_options()("sql", po::bool_switch(),
                          "print the SQL script instead of running it (TARGET may be FROM:TO)")(
        "atomic", po::bool_switch(), "run the whole plan in one transaction: all or nothing")(
        "backup", po::bool_switch(), "back up the database first (SQLite online backup)")(
        "resume", po::bool_switch(),
        "continue a failed non-transactional migration at the statement that failed");
    add_format_option(options, "text or json (a report on stdout)");
    options.add_options()(
        "allow-drift", po::bool_switch(),
        "emergency: run although applied migrations were edited (recorded in the audit log)")(
        "no-create", po::bool_switch(),
        "refuse a database file that does not exist instead of creating it");
    return options;
}

PlanOptions read_plan_options(const boost::program_options::variables_map& vm) {
    PlanOptions o;
    o.target = vm["target"].as<std::string>();
    o.sql = vm["sql"].as<bool>();
    o.atomic = vm["atomic"].as<bool>();
    o.backup = vm["backup"].as<bool>();
    o.resume = vm["resume"].as<bool>();
    o.json = json_format(vm);
    o.allow_drift = vm["allow-drift"].as<bool>();
    o.no_create = vm["no-create"].as<bool>();
    return o;
}

}  // namespace

std::optional<PlanOptions> parse_plan_command(Context& ctx, const Args& args, const char* usage,
                                              const char* description) {
    namespace po = boost::program_options;
    po::options_description arguments;
    arguments.add_options()("target", po::value<std::string>()->required(), "target");
    po::positional_options_description positional;
    positional.add("target", 1);
    const auto vm =
        parse_args(ctx, args, usage, description, plan_options(), arguments, positional);
    if (!vm) {
        return std::nullopt;
    }
    return read_plan_options(*vm);
}

PlanRequest plan_request(Context& ctx, Direction direction, const PlanOptions& options) {
    if (options.no_create) {
        ctx.forbid_create();
    }
    PlanRequest request{direction,      options.target, options.atomic,
                        options.backup, options.resume, options.json};
    request.allow_drift = options.allow_drift;
    return request;
}

void execute_plan(Context& ctx, const Context::Loaded& loaded, const std::vector<Rev>& steps,
                  const PlanRequest& request, PlanReport& report) {
    const RevisionGraph& graph = ctx.graph();
    std::vector<Renewal> renewals;
    const auto drift = find_drift(graph, loaded.records, &renewals);
    if (const auto warning = check_drift(graph, drift, request.allow_drift)) {
        ctx.err() << "warning: " << *warning << "\n";
    }
    check_partials(graph, loaded.partials, steps, request.direction, request.resume);
    Database& reader = ctx.read();
    if (steps.empty()) {
        if (!request.json) {
            ctx.err() << nothing_to_do_message(request.direction, reader.describe(), request.target)
                      << "\n";
        }
        return;
    }
    report.nothing_to_do = false;
    if (request.atomic) {
        check_atomic(graph, steps, request.direction);
    }
    switch (decide_backup(request.backup, reader.exists())) {
        case BackupDecision::kNotAsked:
            break;
        case BackupDecision::kTake:
            report.backup = reader.backup().backup_to(
                default_backup_path(reader.backup().file_path(), std::time(nullptr)), true);
            ctx.err() << "Backed up " << reader.describe() << " to " << report.backup << "\n";
            break;
        case BackupDecision::kNoDatabase:
            ctx.err() << "No backup taken: " << reader.describe() << " does not exist yet\n";
            break;
    }
    Database& db = ctx.writer();
    const Identity who = current_identity();
    if (!drift.empty()) {
        log_allowed_drift(db, graph, drift,
                          std::string(direction_name(request.direction)) + " " + request.target,
                          who.user, who.host);
    }
    renew_checksums(db, renewals);
    Executor executor(graph, db, ctx.err(), who);
    try {
        executor.run(steps, request.direction,
                     RunOptions{request.atomic, request.resume, ctx.settings().timeouts,
                                ctx.settings().retries});
    } catch (...) {
        if (!request.atomic) {  // under --atomic nothing was kept
            report.steps.insert(report.steps.end(), executor.completed().begin(),
                                executor.completed().end());
        }
        throw;
    }
    report.steps.insert(report.steps.end(), executor.completed().begin(),
                        executor.completed().end());
}

int run_plan(Context& ctx, const Context::Loaded& loaded, const std::vector<Rev>& steps,
             const PlanRequest& request) {
    PlanReport report;
    try {
        execute_plan(ctx, loaded, steps, request, report);
    } catch (const Error& e) {
        if (request.json) {
            ctx.out() << plan_report_json(ctx.graph(), direction_name(request.direction),
                                          request.target, ctx.read().describe(), report, &e)
                      << "\n";
        }
        throw;
    }
    if (request.json) {
        ctx.out() << plan_report_json(ctx.graph(), direction_name(request.direction),
                                      request.target, ctx.read().describe(), report, nullptr)
                  << "\n";
    }
    return kExitOk;
}

}  // namespace runner
