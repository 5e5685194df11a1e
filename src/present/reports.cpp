// The commands' reports as text and JSON; see reports.hpp.
#include "present/reports.hpp"

#include <algorithm>
#include <string_view>

#include "present/format.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

namespace runner {
std::string revisions_report_json(const RevisionGraph& graph, const char* key,
                                  const std::vector<Rev>& revs, const AppliedInfo* applied,
                                  const std::vector<Rev>& current, const std::string* database) {
    std::vector<std::string> items;
    items.reserve(revs.size());
    for (const Rev r : revs) {
        const bool is_current = std::find(current.begin(), current.end(), r) != current.end();
        items.push_back(revision_json(graph, r, applied, is_current));
    }
    JsonObject out;
    if (database != nullptr) {
        out.add("database", *database);
    }
    return out.add_raw(key, json_array(items)).str();
}

std::string check_report_json(const RevisionGraph& graph, const CheckReport& report) {
    std::vector<std::string> drift;
    for (const auto& d : report.drift) {
        drift.push_back(JsonObject()
                            .add("revision", graph.id(d.rev))
                            .add("path", d.path)
                            .add("applied_at", d.applied_at)
                            .add("recorded_checksum", d.recorded)
                            .add("current_checksum", d.current)
                            .str());
    }
    std::vector<std::string> failed;
    for (const auto& p : report.failed) {
        failed.push_back(JsonObject()
                             .add("revision", p.revision)
                             .add("direction", p.direction)
                             .add("statement", p.statement)
                             .add("line", p.line)
                             .add("error", p.error)
                             .add("at", p.at)
                             .str());
    }
    JsonObject out;
    out.add("status", report.status)
        .add("exit_code", report.exit_code)
        .add("database", report.database)
        .add_raw("current", json_strings(graph.ids(report.current)))
        .add_raw("heads", json_strings(graph.ids(graph.heads())))
        .add_raw("pending", json_strings(graph.ids(report.pending)))
        .add_raw("drift", json_array(drift))
        .add_raw("failed", json_array(failed));
    if (report.schema_checked) {
        out.add_raw("schema", render_differences_json(report.schema));
    }
    return out.str();
}

std::string check_report_text(const RevisionGraph& graph, const CheckReport& report) {
    std::string out;
    if (report.exit_code == kExitOk) {
        out += "ok: " + report.database + " is at the heads (" +
               join(graph.ids(graph.heads()), ", ") + "), with no edited migrations" +
               (report.schema_checked ? ", and its schema is the one the migrations produce" : "") +
               "\n";
    }
    if (!report.schema.empty()) {
        const auto current = graph.ids(report.current);
        out += "schema: " + report.database +
               " differs from the schema the migrations produce at its applied revisions (" +
               (current.empty() ? std::string("base") : join(current, ", ")) +
               "); 'runner schema --live' and 'runner schema' show both whole:\n" +
               render_differences_text(report.schema);
    }
    if (!report.drift.empty()) {
        out += "drift: " + drift_message(graph, report.drift) + "\n";
    }
    for (const auto& p : report.failed) {
        out += "failed: " + p.direction + " of " + p.revision + " stopped at statement " +
               std::to_string(p.statement) + " (line " + std::to_string(p.line) + ") on " + p.at +
               " UTC: " + p.error;
        if (graph.find(p.revision)) {
            out += "; run it again with --resume, or 'runner resolve " + p.revision + "'\n";
        } else {
            out += "; no migration file declares " + p.revision +
                   " any more: put the database in the state you want by hand, then run "
                   "'runner resolve --forget " +
                   p.revision + "'\n";
        }
    }
    if (!report.pending.empty()) {
        out += "pending: " + std::to_string(report.pending.size()) + " migration" +
               (report.pending.size() == 1 ? "" : "s") +
               " not applied: " + join(graph.ids(report.pending), ", ") + "\n";
    }
    return out;
}

std::string not_adopted_json(const std::string& database, const std::vector<std::string>& alembic,
                             const std::string& message) {
    return JsonObject()
        .add("status", "not_adopted")
        .add("exit_code", kExitError)
        .add("database", database)
        .add_raw("alembic_version", json_strings(alembic))
        .add("message", message)
        .str();
}

std::string adopt_report_json(const RevisionGraph& graph, const AdoptReport& report) {
    return JsonObject()
        .add("status", report.status)
        .add("database", report.database)
        .add("alembic_table", report.alembic_table)
        .add_raw("alembic_version", json_strings(report.alembic_versions))
        .add_raw("recorded", json_strings(graph.ids(report.recorded)))
        .add("alembic_table_dropped", report.dropped)
        .str();
}

std::string adopt_report_text(const AdoptReport& report) {
    const std::string& table = report.alembic_table;
    const std::string versions = join(report.alembic_versions, ", ");
    std::string out;
    if (report.alembic_versions.empty()) {
        out += table + " in " + report.database +
               " is empty (Alembic at base): nothing to adopt; 'runner upgrade' starts from base\n";
    } else if (std::string_view(report.status) == "already_adopted") {
        out += "runner already records what " + table + " says (" + versions + ") in " +
               report.database + ": nothing to adopt\n";
    } else {
        out += "Adopted " + report.database + " at " + versions + " (" + table + "): recorded " +
               std::to_string(report.recorded.size()) + " revision" +
               (report.recorded.size() == 1 ? "" : "s") +
               " as applied, with their ancestors and depends_on; no migration SQL ran\n";
    }
    if (report.dropped) {
        out += "Dropped " + table + "\n";
    } else if (!report.alembic_versions.empty()) {
        out += table +
               " is kept, so Alembic can take over again; drop it with 'runner adopt "
               "--drop-alembic-table' once nobody needs that\n";
    }
    return out;
}

std::string plan_report_json(const RevisionGraph& graph, const std::string& command,
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

}  // namespace runner
