// The revision graph as a picture or data: Graphviz dot, Mermaid, or JSON for tools.
//
// Pictures put base at the bottom and heads on top, the way `history` reads from its last line
// up; edges point from a parent to the revision that builds on it (the upgrade direction).
#include "present/graph_render.hpp"

#include "present/format.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

// Long messages make wide boxes; the full text is in `history` and the JSON.
constexpr std::size_t kPictureMessageLength = 48;

constexpr const char* kBranchPointColor = "#1f5fa8";
constexpr const char* kMergePointColor = "#7b3294";
constexpr const char* kAppliedFill = "#c7e9c0";

// At most `limit` bytes of s, without splitting a UTF-8 sequence, with "..." when cut.
std::string shortened(std::string_view s, std::size_t limit) {
    if (s.size() <= limit) {
        return std::string(s);
    }
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    return std::string(trim(s.substr(0, cut))) + "...";
}

// "3d8cb6574373 (chat) (head)": the id, declared labels, and history's markers.
std::string title(const RevisionGraph& graph, Rev r) {
    std::string text = graph.id(r);
    const auto& labels = graph.migration(r).branch_labels;
    if (!labels.empty()) {
        text += " (" + join(labels, ", ") + ")";
    }
    return text + head_and_point_markers(graph, r);
}

// Text for inside a dot string; a backslash stays a backslash (dot gives "\N", "\l" meanings).
std::string dot_escaped(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::string dot_quoted(std::string_view s) {
    return "\"" + dot_escaped(s) + "\"";
}

std::string render_dot(const RevisionGraph& graph, const RevSet* applied) {
    std::string out =
        "// runner revision graph: base at the bottom, heads on top. Render: dot -Tsvg\n"
        "digraph revisions {\n"
        "    rankdir=BT;\n"
        "    node [shape=box, style=\"rounded\", fontname=\"Helvetica\", fontsize=10];\n"
        "    edge [fontname=\"Helvetica\", fontsize=9];\n";
    std::string legend = "double border: head; blue: branch point; purple: merge point";
    if (applied != nullptr) {
        legend += "; green: applied to the database";
    }
    out += "    labelloc=b;\n    fontname=\"Helvetica\";\n    fontsize=9;\n";
    out += "    label=" + dot_quoted(legend) + ";\n";
    for (Rev r = 0; r < graph.size(); ++r) {
        std::string label = dot_escaped(title(graph, r));
        const std::string message = shortened(graph.migration(r).message, kPictureMessageLength);
        if (!message.empty()) {
            label += "\\n" + dot_escaped(message);  // dot's own line break
        }
        out += "    " + dot_quoted(graph.id(r)) + " [label=\"" + label + "\"";
        if (graph.is_head(r)) {
            out += ", peripheries=2";
        }
        if (graph.is_merge_point(r)) {
            out += std::string(", color=\"") + kMergePointColor + "\", penwidth=1.5";
        } else if (graph.is_branch_point(r)) {
            out += std::string(", color=\"") + kBranchPointColor + "\", penwidth=1.5";
        }
        if (applied != nullptr && (*applied)[r]) {
            out += std::string(", style=\"rounded,filled\", fillcolor=\"") + kAppliedFill + "\"";
        }
        out += "];\n";
    }
    for (Rev r = 0; r < graph.size(); ++r) {
        for (const Rev p : graph.parents(r)) {
            out += "    " + dot_quoted(graph.id(p)) + " -> " + dot_quoted(graph.id(r)) + ";\n";
        }
        for (const Rev d : graph.dependencies(r)) {
            out += "    " + dot_quoted(graph.id(d)) + " -> " + dot_quoted(graph.id(r)) +
                   " [style=dashed, label=\"depends_on\"];\n";
        }
    }
    return out + "}\n";
}

// Mermaid decodes "#name;" entities in labels, so '#' itself must be one too.
std::string mermaid_text(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '"':
                out += "#quot;";
                break;
            case '#':
                out += "#35;";
                break;
            case '<':
                out += "#lt;";
                break;
            case '>':
                out += "#gt;";
                break;
            case '&':
                out += "#amp;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// Node ids get a prefix so an id like "end" cannot collide with Mermaid's keywords.
std::string mermaid_node(const RevisionGraph& graph, Rev r) {
    return "r_" + graph.id(r);
}

std::string render_mermaid(const RevisionGraph& graph, const RevSet* applied) {
    std::string out = "graph BT\n";
    for (Rev r = 0; r < graph.size(); ++r) {
        out += "    " + mermaid_node(graph, r) + "[\"" + mermaid_text(title(graph, r));
        const std::string message = shortened(graph.migration(r).message, kPictureMessageLength);
        if (!message.empty()) {
            out += "<br>" + mermaid_text(message);
        }
        out += "\"]\n";
    }
    for (Rev r = 0; r < graph.size(); ++r) {
        for (const Rev p : graph.parents(r)) {
            out += "    " + mermaid_node(graph, p) + " --> " + mermaid_node(graph, r) + "\n";
        }
        for (const Rev d : graph.dependencies(r)) {
            out += "    " + mermaid_node(graph, d) + " -. depends_on .-> " +
                   mermaid_node(graph, r) + "\n";
        }
    }
    out += "    classDef head stroke-width:3px\n";
    out += std::string("    classDef branchpoint stroke:") + kBranchPointColor + "\n";
    out += std::string("    classDef mergepoint stroke:") + kMergePointColor + "\n";
    out += std::string("    classDef applied fill:") + kAppliedFill + "\n";
    for (Rev r = 0; r < graph.size(); ++r) {
        std::vector<std::string> classes;
        if (graph.is_head(r)) {
            classes.emplace_back("head");
        }
        if (graph.is_merge_point(r)) {
            classes.emplace_back("mergepoint");
        } else if (graph.is_branch_point(r)) {
            classes.emplace_back("branchpoint");
        }
        if (applied != nullptr && (*applied)[r]) {
            classes.emplace_back("applied");
        }
        for (const auto& c : classes) {
            out += "    class " + mermaid_node(graph, r) + " " + c + "\n";
        }
    }
    return out;
}

std::string json_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i > 0 ? ", " : "") + json_string(items[i]);
    }
    return out + "]";
}

const char* json_bool(bool b) {
    return b ? "true" : "false";
}

std::string render_json(const RevisionGraph& graph, const RevSet* applied) {
    std::string out = "{\n  \"revisions\": [";
    for (Rev r = 0; r < graph.size(); ++r) {
        const Migration& m = graph.migration(r);
        out += r > 0 ? ",\n    {" : "\n    {";
        out += "\"revision\": " + json_string(m.revision);
        out += ", \"down_revisions\": " + json_list(m.down_revisions);
        out += ", \"depends_on\": " + json_list(m.depends_on);
        out += ", \"branch_labels\": " + json_list(m.branch_labels);
        out += ", \"message\": " + json_string(m.message);
        out += std::string(", \"head\": ") + json_bool(graph.is_head(r));
        out += std::string(", \"branch_point\": ") + json_bool(graph.is_branch_point(r));
        out += std::string(", \"merge_point\": ") + json_bool(graph.is_merge_point(r));
        out += std::string(", \"applied\": ") +
               (applied == nullptr ? "null" : json_bool((*applied)[r]));
        out += "}";
    }
    out += graph.size() > 0 ? "\n  ],\n" : "],\n";
    std::vector<std::string> heads;
    for (const Rev h : graph.heads()) {
        heads.push_back(graph.id(h));
    }
    out += "  \"heads\": " + json_list(heads) + "\n}\n";
    return out;
}

}  // namespace

std::optional<GraphFormat> parse_graph_format(std::string_view name) {
    if (name == "dot") {
        return GraphFormat::kDot;
    }
    if (name == "mermaid") {
        return GraphFormat::kMermaid;
    }
    if (name == "json") {
        return GraphFormat::kJson;
    }
    return std::nullopt;
}

std::string render_graph(const RevisionGraph& graph, GraphFormat format, const RevSet* applied) {
    switch (format) {
        case GraphFormat::kDot:
            return render_dot(graph, applied);
        case GraphFormat::kMermaid:
            return render_mermaid(graph, applied);
        case GraphFormat::kJson:
            return render_json(graph, applied);
    }
    return {};
}

}  // namespace runner
