// The rebuild of a virtual table that keeps its rows; see plan_tables.hpp.
#include <cctype>
#include <string>
#include <vector>

#include "schema/normalize.hpp"
#include "schema/plan_tables.hpp"
#include "schema/render.hpp"

namespace runner {
namespace {

// "fts5" of "fts5(title, body)", lower case.
std::string module_name(const std::string& virtual_using) {
    std::string name = virtual_using.substr(0, virtual_using.find('('));
    for (char& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    while (!name.empty() && name.back() == ' ') {
        name.pop_back();
    }
    return name;
}

// Whether the module arguments set content= (an external-content or contentless table).
bool names_content_option(const std::string& virtual_using) {
    std::string lower = virtual_using;
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (std::size_t at = lower.find("content"); at != std::string::npos;
         at = lower.find("content", at + 1)) {
        const bool starts = at == 0 || !(std::isalnum(static_cast<unsigned char>(lower[at - 1])) ||
                                         lower[at - 1] == '_');
        std::size_t next = at + 7;
        while (next < lower.size() && lower[next] == ' ') {
            ++next;
        }
        if (starts && next < lower.size() && lower[next] == '=') {
            return true;
        }
    }
    return false;
}

}  // namespace

std::vector<std::string> virtual_copy_columns(const TableDef& from, const TableDef& to) {
    if (from.virtual_using.empty() || to.virtual_using.empty()) {
        return {};
    }
    const std::string module = module_name(from.virtual_using);
    if (module != module_name(to.virtual_using) || names_content_option(from.virtual_using) ||
        names_content_option(to.virtual_using)) {
        return {};
    }
    std::vector<std::string> out;
    for (const std::string& c : from.virtual_columns) {
        for (const std::string& n : to.virtual_columns) {
            if (same_name(c, n)) {
                out.push_back(n);
            }
        }
    }
    if (!out.empty() && module.rfind("fts", 0) == 0) {
        out.insert(out.begin(), "rowid");  // full-text rows keep their ids
    }
    return out;
}

std::vector<std::string> virtual_rebuild_statements(const TableDef& from, const TableDef& to,
                                                    const std::string& temp_name,
                                                    const std::vector<std::string>& columns) {
    TableDef temp = to;
    temp.name = temp_name;
    std::string names;
    for (const std::string& c : columns) {
        names += (names.empty() ? "" : ", ") + (c == "rowid" ? c : quote_name(c));
    }
    return {table_sql(temp),
            "INSERT INTO " + quote_name(temp_name) + " (" + names + ")\n    SELECT " + names +
                " FROM " + quote_name(from.name),
            "DROP TABLE " + quote_name(from.name),
            "ALTER TABLE " + quote_name(temp_name) + " RENAME TO " + quote_name(to.name)};
}

}  // namespace runner
