// What a new revision or merge declares, and the text of its two files, decided from the loaded
// graph before anything is written.
//
// Alembic writes the new file first and validates afterwards, so a duplicate label leaves a file
// that breaks every later command (alembic.md §2.2). Here every check runs on values, and the
// command writes only what passed them.
#include "authoring/new_revision.hpp"

#include <algorithm>
#include <array>

#include <boost/filesystem/path.hpp>

#include "authoring/heads_manifest.hpp"
#include "authoring/naming.hpp"
#include "authoring/script_template.hpp"
#include "migration/header.hpp"
#include "migration/script_directory.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

namespace fs = boost::filesystem;

constexpr int kIdAttempts = 100;
constexpr std::array<std::string_view, 4> kReservedNames = {"head", "heads", "base", "current"};

std::vector<std::string> flatten(const std::vector<std::string>& typed) {
    std::vector<std::string> out;
    for (const auto& item : typed) {
        for (auto& part : split_list(item)) {
            out.push_back(std::move(part));
        }
    }
    return out;
}

// Why `name` cannot name a new revision or label, or nullopt when it can.
std::optional<std::string> unusable(const RevisionGraph& graph, const std::string& name) {
    if (!is_identifier(name)) {
        return "may contain only letters, digits and '_' ('@', '+', '-', ':' have meanings in "
               "targets)";
    }
    if (std::find(kReservedNames.begin(), kReservedNames.end(), name) != kReservedNames.end()) {
        return "is reserved: it already means something in targets";
    }
    if (const auto r = graph.find(name)) {
        return "is already used: it is the revision of " + graph.migration(*r).up_path;
    }
    for (Rev r = 0; r < graph.size(); ++r) {
        const auto& labels = graph.migration(r).branch_labels;
        if (std::find(labels.begin(), labels.end(), name) != labels.end()) {
            return "is already used: it is a branch label of revision " + graph.id(r) + " (" +
                   graph.migration(r).up_path + ")";
        }
    }
    return std::nullopt;
}

std::string choose_id(const RevisionGraph& graph, const std::string& typed,
                      const IdSource& new_id) {
    if (!typed.empty()) {
        if (const auto why = unusable(graph, typed)) {
            throw Error("--rev-id '" + printable(typed) + "' " + *why);
        }
        return typed;
    }
    for (int attempt = 0; attempt < kIdAttempts; ++attempt) {
        auto id = new_id();
        if (!unusable(graph, id)) {
            return id;
        }
    }
    throw Error("could not generate an unused revision id; give one with --rev-id");
}

std::vector<std::string> choose_labels(const RevisionGraph& graph,
                                       const std::vector<std::string>& typed,
                                       const std::string& revision) {
    auto labels = flatten(typed);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (const auto why = unusable(graph, labels[i])) {
            throw Error("--branch-label '" + printable(labels[i]) + "' " + *why);
        }
        if (labels[i] == revision) {
            throw Error("--branch-label '" + labels[i] + "' is the new revision's own id");
        }
        if (std::find(labels.begin(), labels.begin() + static_cast<long>(i), labels[i]) !=
            labels.begin() + static_cast<long>(i)) {
            throw Error("--branch-label '" + labels[i] + "' is given twice");
        }
    }
    return labels;
}

std::string heads_listing(const RevisionGraph& graph, const std::vector<std::string>& ids) {
    std::vector<std::string> shown;
    for (const auto& h : ids) {
        std::string item = h;
        if (const auto r = graph.find(h); r && !graph.labels(*r).empty()) {
            item += " (" + join(graph.labels(*r), ", ") + ")";
        }
        shown.push_back(item);
    }
    return join(shown, "; ");
}

// get_revisions, with errors that say which option held the symbol.
std::vector<Rev> resolve(const RevisionGraph& graph, const std::string& symbol,
                         const std::string& option) {
    try {
        return graph.get_revisions(symbol);
    } catch (const MultipleHeadsError&) {
        throw;
    } catch (const RevisionError& e) {
        throw Error(option + " '" + symbol + "': " + e.what());
    }
}

std::vector<std::string> choose_depends_on(const RevisionGraph& graph,
                                           const std::vector<std::string>& typed) {
    std::vector<std::string> out;
    for (const auto& dep : flatten(typed)) {
        std::vector<Rev> revs;
        try {
            revs = resolve(graph, dep, "--depends-on");
        } catch (const MultipleHeadsError& e) {
            throw Error("--depends-on '" + dep + "' names several revisions (" +
                        heads_listing(graph, e.heads()) + "); name one of them");
        }
        if (revs.size() != 1) {
            throw Error("--depends-on '" + dep + "' names " +
                        (revs.empty() ? std::string("no revision")
                                      : std::to_string(revs.size()) + " revisions") +
                        "; name one revision or branch label");
        }
        const Migration& m = graph.migration(revs.front());
        // Alembic keeps a label as typed, so the dependency follows the branch's owner.
        const bool is_label =
            std::find(m.branch_labels.begin(), m.branch_labels.end(), dep) != m.branch_labels.end();
        std::string value = is_label ? dep : m.revision;
        if (std::find(out.begin(), out.end(), value) == out.end()) {
            out.push_back(std::move(value));
        }
    }
    return out;
}

[[noreturn]] void throw_not_a_head(const RevisionGraph& graph, Rev r) {
    throw Error("Revision " + graph.id(r) +
                " is not a head revision; please specify --splice to create a new branch from "
                "this revision");
}

std::string shown(const std::vector<std::string>& values) {
    return values.empty() ? std::string("(empty)") : "'" + join(values, ", ") + "'";
}

// Parses a rendered file as the loader will and checks it declares what was planned.
Header checked_header(const std::string& text, const std::string& path, const Template& from,
                      const NewRevision& planned) {
    Header h;
    try {
        h = parse_header(text, path);
    } catch (const HeaderError& e) {
        throw Error(from.origin + " does not render a valid migration header (" + e.what() +
                    "); nothing was written");
    }
    const auto check = [&](const char* key, const std::vector<std::string>& got,
                           const std::vector<std::string>& want) {
        if (got != want) {
            throw Error(from.origin + " renders " + key + " as " + shown(got) + " instead of " +
                        shown(want) + " (write it as ${" + key + "}); nothing was written");
        }
    };
    check("revision", {h.revision}, {planned.revision});
    check("down_revision", h.down_revisions, planned.down_revisions);
    check("branch_labels", h.branch_labels, planned.branch_labels);
    check("depends_on", h.depends_on, planned.depends_on);
    return h;
}

// The lines of `text` before `body_line` (all of it when 0), a blank line, then `body`.
std::string with_body(const std::string& text, int body_line, const std::string& body) {
    std::string header;
    std::size_t at = 0;
    for (int line = 1; at < text.size() && (body_line == 0 || line < body_line); ++line) {
        const std::size_t nl = text.find('\n', at);
        const std::size_t end = nl == std::string::npos ? text.size() : nl + 1;
        header.append(text, at, end - at);
        at = end;
    }
    while (!header.empty() && (header.back() == '\n' || header.back() == '\r')) {
        header.pop_back();
    }
    return header + "\n\n" + body;
}

}  // namespace

NewRevision plan_revision(const RevisionGraph& graph, const RevisionRequest& request,
                          const IdSource& new_id) {
    NewRevision n;
    n.message = header_message(request.message);
    n.revision = choose_id(graph, request.rev_id, new_id);
    n.branch_labels = choose_labels(graph, request.branch_labels, n.revision);

    const std::string head = request.head.value_or("head");
    std::vector<Rev> on;
    try {
        on = resolve(graph, head, "--head");
    } catch (const MultipleHeadsError& e) {
        throw Error("Multiple heads are present (" + heads_listing(graph, e.heads()) +
                    "); please choose the head the new revision builds on with --head REV or "
                    "--head LABEL@head, or join them first with 'runner merge heads -m MESSAGE'");
    }
    if (on.size() > 1) {
        throw Error("--head '" + head + "' names " + std::to_string(on.size()) +
                    " revisions; a new revision builds on one (to join several, use 'runner "
                    "merge')");
    }
    if (!on.empty()) {
        if (!request.splice && !graph.is_head(on.front())) {
            throw_not_a_head(graph, on.front());
        }
        n.down_revisions = {graph.id(on.front())};
    }
    n.depends_on = choose_depends_on(graph, request.depends_on);
    return n;
}

NewRevision plan_merge(const RevisionGraph& graph, const MergeRequest& request,
                       const IdSource& new_id) {
    NewRevision n;
    n.message = header_message(request.message);
    n.revision = choose_id(graph, request.rev_id, new_id);
    n.branch_labels = choose_labels(graph, request.branch_labels, n.revision);

    const std::vector<std::string> typed =
        request.revisions.empty() ? std::vector<std::string>{"heads"} : request.revisions;
    std::vector<Rev> parents;
    for (const auto& symbol : typed) {
        std::vector<Rev> revs;
        try {
            revs = resolve(graph, symbol, "merge");
        } catch (const MultipleHeadsError& e) {
            throw Error("'" + symbol + "' names several revisions (" +
                        heads_listing(graph, e.heads()) + "); to merge them all, write 'heads'");
        }
        for (const Rev r : revs) {
            if (std::find(parents.begin(), parents.end(), r) != parents.end()) {
                throw Error("Duplicate head revisions specified: " + graph.id(r) +
                            " is named more than once; a merge joins different revisions");
            }
            parents.push_back(r);
        }
    }
    if (parents.size() < 2) {
        std::vector<std::string> ids;
        for (const Rev r : parents) {
            ids.push_back(graph.id(r));
        }
        throw Error("a merge joins two or more revisions, but '" + join(typed, " ") + "' names " +
                    (ids.empty() ? std::string("none") : "only " + ids.front()) +
                    "; nothing to merge");
    }
    for (const Rev r : parents) {
        if (!request.splice && !graph.is_head(r)) {
            throw_not_a_head(graph, r);
        }
    }
    for (const Rev a : parents) {
        const RevSet below = graph.ancestors({a}, false);
        for (const Rev b : parents) {
            if (a != b && below[b]) {
                throw Error("cannot merge " + graph.id(b) + " with its descendant " + graph.id(a) +
                            "; a merge joins revisions on different branches");
            }
        }
    }
    for (const Rev r : parents) {
        n.down_revisions.push_back(graph.id(r));
    }
    return n;
}

Draft draft_files(const RevisionGraph& graph, const NewRevision& revision, const Template& up,
                  const Template& down, const std::string& create_date, const std::string& dir,
                  const GeneratedBodies* bodies) {
    std::vector<std::string> names;
    std::vector<Migration> all;
    for (Rev r = 0; r < graph.size(); ++r) {
        names.push_back(fs::path(graph.migration(r).up_path).filename().string());
        all.push_back(graph.migration(r));
    }
    const std::string stem = migration_stem(names, revision.message);
    Draft d;
    d.up_path = (fs::path(dir) / (stem + kUpSuffix)).lexically_normal().string();
    d.down_path = (fs::path(dir) / (stem + kDownSuffix)).lexically_normal().string();
    TemplateValues values;
    values.revision = revision.revision;
    values.down_revision = join(revision.down_revisions, ", ");
    values.message = revision.message;
    values.create_date = create_date;
    values.branch_labels = join(revision.branch_labels, ", ");
    values.depends_on = join(revision.depends_on, ", ");
    d.up_text = render_template(up.text, values, up.origin);
    d.down_text = render_template(down.text, values, down.origin);
    Header uh = checked_header(d.up_text, d.up_path, up, revision);
    Header dh = checked_header(d.down_text, d.down_path, down, revision);
    if (bodies != nullptr) {
        d.up_text = with_body(d.up_text, uh.body_line, bodies->up);
        d.down_text = with_body(d.down_text, dh.body_line, bodies->down);
        uh = checked_header(d.up_text, d.up_path, up, revision);
        dh = checked_header(d.down_text, d.down_path, down, revision);
    }

    all.push_back(migration_from_headers(uh, dh, d.up_path, d.down_path));
    try {
        d.heads_after = head_ids(RevisionGraph(std::move(all)));
    } catch (const RevisionError& e) {
        throw Error(std::string("the new revision would make the migrations directory invalid (") +
                    e.what() + "); nothing was written");
    }
    return d;
}

}  // namespace runner
