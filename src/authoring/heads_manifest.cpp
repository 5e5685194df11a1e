// The heads manifest `<dir>/HEADS`: the text runner writes, and the check of a manifest against
// the heads of the migration files.
//
// The file exists for git: each `runner revision` rewrites the line naming the head, so two
// branches that each add a migration on the same head change the same line and conflict when
// merged, long before a deploy would fail with "multiple heads".
#include "authoring/heads_manifest.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace runner {
namespace {

constexpr std::string_view kExplanation =
    "# The head revision(s) of this migrations directory, one per line. runner writes this file:\n"
    "# `runner revision` and `runner merge` keep it current, and every runner command checks it\n"
    "# against the migration files.\n"
    "#\n"
    "# It exists so that two git branches that each add a migration conflict here when they are\n"
    "# merged, instead of failing a later deploy with \"multiple heads\". To resolve such a\n"
    "# conflict: keep both revision ids, delete the conflict marker lines, then run\n"
    "#     runner merge heads -m \"merge <what the two branches did>\"\n"
    "# which adds a migration joining the two heads and rewrites this file.\n"
    "#\n"
    "# After adding, removing or editing migration files by hand, run `runner heads --refresh`.\n";

bool is_conflict_marker(std::string_view line) {
    for (const std::string_view marker : {"<<<<<<<", "=======", ">>>>>>>", "|||||||"}) {
        if (line.substr(0, marker.size()) == marker) {
            return true;
        }
    }
    return false;
}

std::string listed(const std::vector<std::string>& ids) {
    if (ids.empty()) {
        return "no head";
    }
    return (ids.size() == 1 ? "head " : "heads ") + join(ids, ", ");
}

}  // namespace

std::vector<std::string> head_ids(const RevisionGraph& graph) {
    std::vector<std::string> ids;
    for (const Rev r : graph.heads()) {
        ids.push_back(graph.id(r));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::string render_heads_manifest(std::vector<std::string> heads) {
    std::sort(heads.begin(), heads.end());
    std::string text(kExplanation);
    for (const auto& h : heads) {
        text += h + "\n";
    }
    return text;
}

std::optional<std::string> heads_manifest_problem(std::string_view text, const std::string& path,
                                                  const RevisionGraph& graph) {
    std::vector<std::string> in_file;
    int line_no = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const std::string_view raw = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++line_no;
        if (is_conflict_marker(raw)) {
            return path +
                   " has git conflict markers: two merged branches each added a migration on "
                   "the same head; keep both revision ids, delete the marker lines, then run "
                   "'runner merge heads -m \"merge ...\"' to join the heads";
        }
        const auto line = trim(raw);
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (!is_identifier(line)) {
            return path + ":" + std::to_string(line_no) + ": '" + printable(line) +
                   "' is not a revision id (the file lists one head revision id per line); run "
                   "'runner heads --refresh' to rewrite it from the migration files";
        }
        in_file.emplace_back(line);
    }
    std::sort(in_file.begin(), in_file.end());
    in_file.erase(std::unique(in_file.begin(), in_file.end()), in_file.end());
    const auto actual = head_ids(graph);
    if (in_file == actual) {
        return std::nullopt;
    }
    std::string message = path + " lists " + listed(in_file) + ", but the migration files have " +
                          listed(actual) + ": ";
    if (actual.size() > 1) {
        message +=
            "probably a git merge combined two branches that each added a migration (join them "
            "with 'runner merge heads -m \"merge ...\"'), or a migration was added without "
            "'runner revision' (then run 'runner heads --refresh')";
    } else {
        message +=
            "probably a migration was added, removed or edited without 'runner revision'; if the "
            "files are as intended, run 'runner heads --refresh'";
    }
    return message;
}

}  // namespace runner
