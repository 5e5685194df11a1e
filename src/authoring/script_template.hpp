// The templates `runner revision` and `runner merge` fill in, and their placeholders. Pure.
#pragma once

#include <string>
#include <string_view>

namespace runner {

// Template files in the migrations directory; the loader ignores them (they are not *.sql).
inline constexpr const char* kUpTemplateFile = "template.up.sql.tmpl";
inline constexpr const char* kDownTemplateFile = "template.down.sql.tmpl";

// What `runner init` writes into those files, and what is used when they are absent.
extern const std::string_view kDefaultUpTemplate;
extern const std::string_view kDefaultDownTemplate;

// Values for the placeholders ${revision}, ${down_revision}, ${message}, ${create_date},
// ${branch_labels} and ${depends_on}; lists are already joined with ", ".
struct TemplateValues {
    std::string revision;
    std::string down_revision;
    std::string message;
    std::string create_date;
    std::string branch_labels;
    std::string depends_on;
};

// Replaces each placeholder once (values are not expanded again). A line whose placeholders are
// all optional (every one but revision and down_revision) and all empty is left out; lines with
// placeholders lose trailing blanks. Throws Error "<origin>:<line>: ..." for an unknown or
// unterminated placeholder.
std::string render_template(std::string_view text, const TemplateValues& values,
                            const std::string& origin);

}  // namespace runner
