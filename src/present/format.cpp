// Alembic-compatible text for revisions: the one-line forms and the verbose log entry.
#include "present/format.hpp"

#include "util/json.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

// How many of the oldest entries the log limit leaves out.
std::size_t omitted_log_entries(const AppliedInfo& info, const std::vector<LogEntry>& entries) {
    return info.log_limit != 0 && entries.size() > info.log_limit ? entries.size() - info.log_limit
                                                                  : 0;
}

}  // namespace

std::string point_markers(const RevisionGraph& graph, Rev r) {
    std::string text;
    if (graph.is_branch_point(r)) {
        text += " (branchpoint)";
    }
    if (graph.is_merge_point(r)) {
        text += " (mergepoint)";
    }
    return text;
}

std::string head_and_point_markers(const RevisionGraph& graph, Rev r) {
    return (graph.is_head(r) ? " (head)" : "") + point_markers(graph, r);
}

std::string revision_line(const RevisionGraph& graph, Rev r, const LineStyle& style) {
    const Migration& m = graph.migration(r);
    std::string text = m.revision;
    if (style.include_parents) {
        const std::string down = m.down_revisions.empty() ? "<base>" : join(m.down_revisions, ", ");
        if (!m.depends_on.empty()) {
            text = down + " (" + join(graph.ids(graph.dependencies(r)), ", ") + ") -> " + text;
        } else {
            text = down + " -> " + text;
        }
    }
    if (style.include_branches && !graph.labels(r).empty()) {
        text += " (" + join(graph.labels(r), ", ") + ")";
    }
    if (style.head_indicators || style.tree_indicators) {
        if (graph.is_real_head(r)) {
            text += " (head)";
        } else if (graph.is_head(r)) {
            text += " (effective head)";
        }
        if (style.current) {
            text += " (current)";
        }
    }
    if (style.tree_indicators) {
        text += point_markers(graph, r);
    }
    if (style.include_doc) {
        text += ", " + m.message;
    }
    return text;
}

std::string log_entry(const RevisionGraph& graph, Rev r, bool current, const AppliedInfo* applied) {
    const Migration& m = graph.migration(r);
    std::string text = "Rev: " + m.revision + head_and_point_markers(graph, r);
    if (current) {
        text += " (current)";
    }
    text += "\n";
    if (graph.is_merge_point(r)) {
        text += "Merges: " + join(m.down_revisions, ", ") + "\n";
    } else {
        text += "Parent: " +
                (m.down_revisions.empty() ? std::string("<base>") : m.down_revisions.front()) +
                "\n";
    }
    if (!graph.dependencies(r).empty()) {
        text += "Also depends on: " + join(graph.ids(graph.dependencies(r)), ", ") + "\n";
    }
    if (graph.is_branch_point(r)) {
        text += "Branches into: " + join(graph.ids(graph.children(r)), ", ") + "\n";
    }
    if (!graph.labels(r).empty()) {
        text += "Branch names: " + join(graph.labels(r), ", ") + "\n";
    }
    text += "Path: " + m.up_path + "\n";
    text += "Down path: " + m.down_path + "\n";
    if (applied != nullptr && applied->reachable) {
        const auto rec = applied->records.find(m.revision);
        if (rec != applied->records.end()) {
            if (rec->second.how == "stamp") {
                text += "Applied: stamped " + rec->second.applied_at + " UTC (not run)\n";
            } else if (rec->second.how == "adopt") {
                text += "Applied: adopted from Alembic " + rec->second.applied_at +
                        " UTC (not run by runner)\n";
            } else {
                text += "Applied: " + rec->second.applied_at + " UTC in " +
                        std::to_string(rec->second.duration_ms) + " ms\n";
            }
        } else if (applied->applied[r]) {
            text += "Applied: yes (implied by a later revision)\n";
        } else {
            text += "Applied: no\n";
        }
        if (const auto log = applied->log.find(m.revision); log != applied->log.end()) {
            const std::size_t earlier = omitted_log_entries(*applied, log->second);
            if (earlier > 0) {
                text += "Log: ... " + std::to_string(earlier) +
                        " earlier entries not shown (--log-limit 0 shows all)\n";
            }
            for (std::size_t i = earlier; i < log->second.size(); ++i) {
                const LogEntry& e = log->second[i];
                text += "Log: " + e.at + " UTC " + e.action;
                if (!e.user.empty() || !e.host.empty()) {
                    text += " by " + e.user + (e.host.empty() ? "" : "@" + e.host);
                }
                if (e.action == "upgrade" || e.action == "downgrade") {
                    text += " in " + std::to_string(e.duration_ms) + " ms";
                }
                if (!e.detail.empty()) {
                    text += ": " + e.detail;
                }
                text += "\n";
            }
        }
    }
    text += "\n    " + m.message + "\n    \n";
    text += "    Revision ID: " + m.revision + "\n";
    text += "    Revises: " + join(m.down_revisions, ", ") + "\n";
    if (!m.create_date.empty()) {
        text += "    Create Date: " + m.create_date + "\n";
    }
    text += "\n";
    return text;
}

std::string revision_json(const RevisionGraph& graph, Rev r, const AppliedInfo* applied,
                          bool current) {
    const Migration& m = graph.migration(r);
    std::vector<std::string> deps;
    for (const Rev d : graph.dependencies(r)) {
        deps.push_back(graph.id(d));
    }
    JsonObject o;
    o.add("revision", m.revision)
        .add_raw("down_revisions", json_strings(m.down_revisions))
        .add_raw("depends_on", json_strings(deps))
        .add_raw("branch_labels", json_strings(graph.labels(r)))
        .add("message", m.message)
        .add("create_date", m.create_date)
        .add("path", m.up_path)
        .add("down_path", m.down_path)
        .add("head", graph.is_head(r))
        .add("effective_head", graph.is_head(r) && !graph.is_real_head(r))
        .add("branch_point", graph.is_branch_point(r))
        .add("merge_point", graph.is_merge_point(r))
        .add("current", current);
    if (applied == nullptr || !applied->reachable) {
        o.add_null("applied");
        return o.str();
    }
    const auto rec = applied->records.find(m.revision);
    if (rec != applied->records.end()) {
        o.add_raw("applied", JsonObject()
                                 .add("at", rec->second.applied_at)
                                 .add("duration_ms", rec->second.duration_ms)
                                 .add("how", rec->second.how)
                                 .add("checksum", rec->second.checksum)
                                 .str());
    } else {
        o.add("applied", applied->applied[r] != 0);
    }
    std::vector<std::string> log;
    std::size_t earlier = 0;
    if (const auto it = applied->log.find(m.revision); it != applied->log.end()) {
        earlier = omitted_log_entries(*applied, it->second);
        for (std::size_t i = earlier; i < it->second.size(); ++i) {
            const LogEntry& e = it->second[i];
            log.push_back(JsonObject()
                              .add("at", e.at)
                              .add("action", e.action)
                              .add("duration_ms", e.duration_ms)
                              .add("user", e.user)
                              .add("host", e.host)
                              .add("detail", e.detail)
                              .str());
        }
    }
    o.add_raw("log", json_array(log));
    if (earlier > 0) {
        o.add("log_omitted", static_cast<std::int64_t>(earlier));
    }
    return o.str();
}

}  // namespace runner
