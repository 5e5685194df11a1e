// See workflow.hpp: the parts that are the same on every backend.
#include "workflow.hpp"

#include <cstdio>

namespace runner::shared {

std::string TestDatabase::value(const std::string& sql) const {
    const auto rows = column(sql);
    return rows.empty() ? "NULL" : rows.front();
}

bool TestDatabase::has_table(const std::string& name) const {
    for (const auto& t : tables()) {
        if (t == name) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> TestDatabase::applied() const {
    if (!has_table("runner_version")) {
        return {};
    }
    return column("SELECT revision FROM runner_version ORDER BY revision");
}

std::vector<std::string> TestDatabase::applied_how() const {
    if (!has_table("runner_version")) {
        return {};
    }
    return column("SELECT revision || ' ' || how FROM runner_version ORDER BY revision");
}

std::vector<std::string> TestDatabase::log_actions(const std::string& revision) const {
    if (!has_table("runner_version_log")) {
        return {};
    }
    return column("SELECT action FROM runner_version_log WHERE revision = '" + revision +
                  "' ORDER BY id");
}

std::string TestDatabase::fingerprint() const {
    if (!exists()) {
        return "(no database)\n";
    }
    std::string out;
    for (const auto& line : schema()) {
        out += line + "\n";
    }
    out += "--\n";
    for (const auto& table : tables()) {
        const std::string where = table == "runner_version_log" ? "action <> 'failed'" : "";
        for (const auto& row : rows(table, where)) {
            out += table + " " + row + "\n";
        }
    }
    return out;
}

WorkflowProject::WorkflowProject() : db_(make_test_database(tmp_.path())) {}

integration::RunResult WorkflowProject::run(const std::vector<std::string>& args) const {
    std::vector<std::string> all{"--db", db_->url(), "--dir", dir()};
    all.insert(all.end(), args.begin(), args.end());
    return integration::run_runner(all, root());
}

void WorkflowProject::migration(const std::string& stem, const std::string& rev,
                                const std::vector<std::string>& parents, const std::string& up,
                                const std::string& down,
                                const std::vector<std::string>& extra) const {
    integration::write_migration(dir(), stem, rev, parents, up, down, extra);
}

void WorkflowProject::write_chain(const std::vector<std::string>& revs) const {
    std::vector<std::string> parent;
    for (std::size_t i = 0; i < revs.size(); ++i) {
        char number[32];
        std::snprintf(number, sizeof number, "%04zu", i + 1);
        const std::string& rev = revs[i];
        migration(std::string(number) + "_" + rev, rev, parent,
                  "CREATE TABLE t_" + rev + " (id integer primary key, name text);\n" +
                      "INSERT INTO t_" + rev + " VALUES (1, '" + rev + "');\n",
                  "DROP TABLE t_" + rev + ";\n");
        parent = {rev};
    }
}

std::string error_line(const integration::RunResult& r) {
    for (const auto& line : integration::lines_of(r.err)) {
        if (integration::starts_with(line, "runner: error: ")) {
            return line;
        }
    }
    return "";
}

}  // namespace runner::shared
