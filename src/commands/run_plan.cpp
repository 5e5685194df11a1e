// What upgrade, downgrade and reset share: the checks before running a plan, and its report.
#include "commands/run_plan.hpp"

#include <algorithm>
#include <ctime>
#include <ostream>

#include "exec/drift.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

namespace runner {
namespace {}  // namespace

std::string plan_json(const RevisionGraph& graph, const std::string& command,
                      const std::string& target, const std::string& database,
                      const PlanReport& report, const Error* error) {
    std::vector<std::string> steps;
    for (const auto& s : report.steps) {
        const Migration& m = graph.migration(s.rev);
        steps.push_back(JsonObject()
                            .add("revision", m.revision)
                            .add_raw("down_revisions", json_strings(m.down_revisions))
                            .add("message", m.message)
                            .add("direction", direction_name(s.direction))
                            .add("status", s.skipped ? "skipped" : "done")
                            .add("duration_ms", s.duration_ms)
                            .str());
    }
    JsonObject out;
    out.add("command", command)
        .add("target", target)
        .add("database", database)
        .add("ok", error == nullptr)
        .add("nothing_to_do", error == nullptr && report.nothing_to_do)
        .add_raw("steps", json_array(steps));
    if (report.backup.empty()) {
        out.add_null("backup");
    } else {
        out.add("backup", report.backup);
    }
    if (error == nullptr) {
        out.add_null("error");
    } else {
        out.add("error", error->what());
    }
    out.add("exit_code", error == nullptr ? kExitOk : error->exit_code());
    return out.str();
}

boost::program_options::options_description plan_options() {
    namespace po = boost::program_options;
    po::options_description options("Options");
    options.add_options()("sql", po::bool_switch(),
                          "print the SQL script instead of running it (TARGET may be FROM:TO)")(
        "atomic", po::bool_switch(), "run the whole plan in one transaction: all or nothing")(
        "backup", po::bool_switch(), "back up the database first (SQLite online backup)")(
        "resume", po::bool_switch(),
        "continue a failed non-transactional migration at the statement that failed")(
        "format", po::value<std::string>()->default_value("text"),
        "text or json (a report on stdout)")(
        "allow-drift", po::bool_switch(),
        "emergency: run although applied migrations were edited (recorded in the audit log)")(
        "no-create", po::bool_switch(),
        "refuse a database file that does not exist instead of creating it");
    return options;
}

void apply_plan_options(Context& ctx, const boost::program_options::variables_map& vm) {
    if (vm.count("no-create") != 0 && vm["no-create"].as<bool>()) {
        ctx.forbid_create();
    }
}

std::string default_backup_path(const std::string& db_file) {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return db_file + ".backup-" + buf;
}

void execute_plan(Context& ctx, const Context::Loaded& loaded, const std::vector<Rev>& steps,
                  const PlanRequest& request, PlanReport& report) {
    const RevisionGraph& graph = ctx.graph();
    const bool up = request.direction == Direction::kUpgrade;
    std::vector<Renewal> renewals;
    const auto drift = find_drift(graph, loaded.records, &renewals);
    if (!drift.empty() && !request.allow_drift) {
        throw Error(drift_message(graph, drift) + " (or, in an emergency, run with --allow-drift)");
    }
    if (!drift.empty()) {
        ctx.err() << "warning: --allow-drift: " << drift_message(graph, drift) << "\n";
    }
    // A migration that stopped part-way is neither applied nor reverted: nothing else runs until
    // it is resumed (when the plan includes it), resolved or forgotten.
    for (const auto& p : loaded.partials) {
        const auto r = graph.find(p.revision);
        if (!r) {
            throw Error("a migration " + p.revision + " stopped part-way in " + p.direction +
                        " at statement " + std::to_string(p.statement) + " on " + p.at +
                        " UTC: " + p.error +
                        "; no migration file declares that revision any more. Put the database "
                        "in the state you want by hand, then run 'runner resolve --forget " +
                        p.revision + "' to remove the record");
        }
        const bool in_plan = std::find(steps.begin(), steps.end(), *r) != steps.end();
        if (!(in_plan && request.resume && p.direction == direction_name(request.direction))) {
            throw Error(
                "migration " + p.revision + " (" +
                (p.direction == "upgrade" ? graph.migration(*r).up_path
                                          : graph.migration(*r).down_path) +
                ") is not transactional and stopped at statement " + std::to_string(p.statement) +
                " (line " + std::to_string(p.line) + ") on " + p.at + " UTC: " + p.error +
                "; the statements before it are applied. Run again with --resume to continue at "
                "that statement, or finish it by hand and run 'runner resolve " +
                p.revision + "'");
        }
    }
    Database& reader = ctx.db(OpenMode::kReadOnly);
    if (steps.empty()) {
        if (!request.json) {
            ctx.err() << "Nothing to " << direction_name(request.direction) << ": "
                      << reader.describe()
                      << (up ? " already has every migration '" : " has nothing applied above '")
                      << request.target << (up ? "' needs\n" : "'\n");
        }
        return;
    }
    report.nothing_to_do = false;
    if (request.atomic) {
        for (const Rev r : steps) {
            const Migration& m = graph.migration(r);
            if (!(up ? m.up_transactional : m.down_transactional)) {
                throw Error("--atomic cannot run " + (up ? m.up_path : m.down_path) +
                            ": it is marked 'transactional: false'; run without --atomic");
            }
        }
    }
    if (request.backup) {
        if (reader.exists()) {
            report.backup = reader.backup_to(default_backup_path(reader.file_path()), true);
            ctx.err() << "Backed up " << reader.describe() << " to " << report.backup << "\n";
        } else {
            ctx.err() << "No backup taken: " << reader.describe() << " does not exist yet\n";
        }
    }
    Database& db = ctx.db(OpenMode::kReadWrite);
    const Identity who = current_identity();
    if (!drift.empty()) {
        log_allowed_drift(db, graph, drift,
                          std::string(direction_name(request.direction)) + " " + request.target,
                          who.user, who.host);
    }
    renew_checksums(db, renewals);
    Executor executor(graph, db, ctx.err(), who);
    try {
        executor.run(steps, request.direction, RunOptions{request.atomic, request.resume});
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
            ctx.out() << plan_json(ctx.graph(), direction_name(request.direction), request.target,
                                   ctx.db(OpenMode::kReadOnly).describe(), report, &e)
                      << "\n";
        }
        throw;
    }
    if (request.json) {
        ctx.out() << plan_json(ctx.graph(), direction_name(request.direction), request.target,
                               ctx.db(OpenMode::kReadOnly).describe(), report, nullptr)
                  << "\n";
    }
    return kExitOk;
}

}  // namespace runner
