// How `runner diff` and `revision --autogenerate` tell people what the schema file changes.
#include "present/schema_change.hpp"

#include "util/json.hpp"
#include "util/text.hpp"

namespace runner {

std::string heads_phrase(const std::vector<std::string>& heads) {
    if (heads.empty()) {
        return "base (no migrations yet)";
    }
    return std::string(heads.size() == 1 ? "the head (" : "the heads (") + join(heads, ", ") + ")";
}

std::string agreement_line(const std::string& schema_file, const std::vector<std::string>& heads) {
    return schema_file + " agrees with the migrations at " + heads_phrase(heads);
}

std::string difference_line(const std::string& schema_file, const std::vector<std::string>& heads,
                            std::size_t count) {
    return schema_file + " differs from the migrations at " + heads_phrase(heads) + " in " +
           std::to_string(count) + (count == 1 ? " place" : " places") +
           ": the SQL above is the upgrade 'runner revision --autogenerate' would write";
}

std::string no_changes_line(const std::string& schema_file, const std::vector<std::string>& heads) {
    return "No changes in schema detected: " + agreement_line(schema_file, heads) +
           "; nothing was written";
}

std::string review_line(std::size_t notes) {
    return "Review needed: " + std::to_string(notes) + (notes == 1 ? " note" : " notes") +
           " marked REVIEW in the files above; read them before upgrading";
}

std::string render_schema_change_json(const std::string& schema_file,
                                      const std::vector<std::string>& heads,
                                      const std::vector<SchemaDifference>& differences,
                                      const std::string& up, const std::string& down,
                                      int exit_code) {
    JsonObject o;
    o.add("command", "diff")
        .add("schema_file", schema_file)
        .add_raw("heads", json_strings(heads))
        .add("agree", differences.empty())
        .add_raw("differences", render_differences_json(differences));
    if (differences.empty()) {
        o.add_null("up").add_null("down");
    } else {
        o.add("up", up).add("down", down);
    }
    o.add("exit_code", exit_code);
    return o.str();
}

}  // namespace runner
