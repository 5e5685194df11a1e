// The templates `runner revision` and `runner merge` fill in, and their placeholders.
#include "authoring/script_template.hpp"

#include <array>

#include "util/error.hpp"

namespace runner {

// The blank line ends the header: the comments below it must not look like `-- key: value`.
const std::string_view kDefaultUpTemplate =
    "-- revision: ${revision}\n"
    "-- down_revision: ${down_revision}\n"
    "-- branch_labels: ${branch_labels}\n"
    "-- depends_on: ${depends_on}\n"
    "-- message: ${message}\n"
    "-- create_date: ${create_date}\n"
    "\n"
    "-- Write the upgrade below, in plain SQLite SQL. It runs in one transaction together with\n"
    "-- runner's bookkeeping; for statements that cannot run in a transaction (VACUUM), add\n"
    "-- the header line \"-- transactional: false\" above the blank line.\n"
    "\n";

const std::string_view kDefaultDownTemplate =
    "-- revision: ${revision}\n"
    "-- down_revision: ${down_revision}\n"
    "-- branch_labels: ${branch_labels}\n"
    "-- depends_on: ${depends_on}\n"
    "-- message: ${message}\n"
    "-- create_date: ${create_date}\n"
    "\n"
    "-- Write the downgrade below: undo what the .up.sql file does, newest change first.\n"
    "\n";

namespace {

struct Placeholder {
    std::string_view name;
    std::string TemplateValues::*value;
    bool optional;
};

constexpr std::array<Placeholder, 6> kPlaceholders = {{
    {"revision", &TemplateValues::revision, false},
    {"down_revision", &TemplateValues::down_revision, false},
    {"message", &TemplateValues::message, true},
    {"create_date", &TemplateValues::create_date, true},
    {"branch_labels", &TemplateValues::branch_labels, true},
    {"depends_on", &TemplateValues::depends_on, true},
}};

const Placeholder* find_placeholder(std::string_view name) {
    for (const auto& p : kPlaceholders) {
        if (p.name == name) {
            return &p;
        }
    }
    return nullptr;
}

std::string known_list() {
    std::string out;
    for (const auto& p : kPlaceholders) {
        out += (out.empty() ? "" : ", ") + std::string("${") + std::string(p.name) + "}";
    }
    return out;
}

}  // namespace

std::string render_template(std::string_view text, const TemplateValues& values,
                            const std::string& origin) {
    std::string out;
    int line_no = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        const std::string_view ending =
            nl == std::string_view::npos ? std::string_view{} : text.substr(nl, 1);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++line_no;

        std::string rendered;
        bool has_placeholder = false;
        bool droppable = true;  // every placeholder so far is optional and empty
        std::size_t pos = 0;
        while (true) {
            const auto start = line.find("${", pos);
            if (start == std::string_view::npos) {
                rendered.append(line.substr(pos));
                break;
            }
            const auto end = line.find('}', start);
            if (end == std::string_view::npos) {
                throw Error(origin + ":" + std::to_string(line_no) +
                            ": '${' without a closing '}' (placeholders are " + known_list() + ")");
            }
            const auto name = line.substr(start + 2, end - start - 2);
            const Placeholder* p = find_placeholder(name);
            if (p == nullptr) {
                throw Error(origin + ":" + std::to_string(line_no) + ": unknown placeholder '${" +
                            std::string(name) + "}' (placeholders are " + known_list() + ")");
            }
            const std::string& value = values.*(p->value);
            has_placeholder = true;
            droppable = droppable && p->optional && value.empty();
            rendered.append(line.substr(pos, start - pos));
            rendered.append(value);
            pos = end + 1;
        }
        if (has_placeholder) {
            if (droppable) {
                continue;
            }
            const bool crlf = !rendered.empty() && rendered.back() == '\r';
            while (!rendered.empty() &&
                   (rendered.back() == ' ' || rendered.back() == '\t' || rendered.back() == '\r')) {
                rendered.pop_back();
            }
            if (crlf) {
                rendered += '\r';
            }
        }
        out += rendered;
        out += ending;
    }
    return out;
}

}  // namespace runner
