// Reads what SQLite keeps only in the stored CREATE text. The text was accepted by SQLite, so the
// parser only has to find things, not to reject anything; it never throws.
#include "schema/ddl_text.hpp"

#include <algorithm>
#include <cctype>

#include "schema/normalize.hpp"

namespace runner {
namespace {

using Tokens = std::vector<SqlToken>;

std::string upper(std::string s) {
    for (char& c : s) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return s;
}

// The source text from token `first` up to, not including, token `last`.
std::string slice(std::string_view sql, const Tokens& t, std::size_t first, std::size_t last) {
    if (first >= last || first >= t.size()) {
        return {};
    }
    const SqlToken& end = t[last - 1];
    return std::string(sql.substr(t[first].offset, end.offset + end.text.size() - t[first].offset));
}

// Index of the token that closes the parenthesis opened at `open` (or t.size()).
std::size_t matching_paren(const Tokens& t, std::size_t open) {
    int depth = 0;
    for (std::size_t k = open; k < t.size(); ++k) {
        depth += is_punct(t[k], "(") ? 1 : is_punct(t[k], ")") ? -1 : 0;
        if (depth == 0) {
            return k;
        }
    }
    return t.size();
}

// Splits tokens [first, last) at commas outside parentheses: [begin, end) ranges.
std::vector<std::pair<std::size_t, std::size_t>> split_commas(const Tokens& t, std::size_t first,
                                                              std::size_t last) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    int depth = 0;
    std::size_t start = first;
    for (std::size_t k = first; k < last; ++k) {
        depth += is_punct(t[k], "(") ? 1 : is_punct(t[k], ")") ? -1 : 0;
        if (depth == 0 && is_punct(t[k], ",")) {
            out.emplace_back(start, k);
            start = k + 1;
        }
    }
    if (start < last) {
        out.emplace_back(start, last);
    }
    return out;
}

// Index of the token after "CREATE ... <kind> [IF NOT EXISTS] [schema.]name".
std::size_t after_object_name(const Tokens& t, std::string_view kind) {
    std::size_t k = 0;
    while (k < t.size() && !is_keyword(t[k], kind)) {
        ++k;
    }
    ++k;
    if (k + 2 < t.size() && is_keyword(t[k], "IF") && is_keyword(t[k + 1], "NOT") &&
        is_keyword(t[k + 2], "EXISTS")) {
        k += 3;
    }
    ++k;  // the name
    if (k + 1 < t.size() && is_punct(t[k], ".")) {
        k += 2;  // schema.name
    }
    return std::min(k, t.size());
}

std::vector<std::string> name_list(const Tokens& t, std::size_t open) {
    std::vector<std::string> out;
    const std::size_t close = matching_paren(t, open);
    for (const auto& [b, e] : split_commas(t, open + 1, close)) {
        if (b < e) {
            out.push_back(token_name(t[b]));
        }
    }
    return out;
}

// Parses an fk-clause starting at the token after REFERENCES; returns the index after it.
std::size_t parse_references(const Tokens& t, std::size_t k, std::size_t end, ForeignKeyText& fk) {
    if (k < end) {
        fk.parent_table = token_name(t[k++]);
    }
    if (k < end && is_punct(t[k], "(")) {
        k = matching_paren(t, k) + 1;
    }
    while (k < end) {
        if (is_keyword(t[k], "ON")) {
            k += 2;  // ON DELETE|UPDATE
            const bool two_words = k < end && (is_keyword(t[k], "SET") || is_keyword(t[k], "NO"));
            k += two_words ? 2 : 1;
        } else if (is_keyword(t[k], "MATCH")) {
            k += 2;
        } else if (is_keyword(t[k], "NOT") && k + 1 < end && is_keyword(t[k + 1], "DEFERRABLE")) {
            k += 2;
            if (k + 1 < end && is_keyword(t[k], "INITIALLY")) {
                k += 2;
            }
        } else if (is_keyword(t[k], "DEFERRABLE")) {
            ++k;
            if (k + 1 < end && is_keyword(t[k], "INITIALLY")) {
                fk.deferred = is_keyword(t[k + 1], "DEFERRED");
                k += 2;
            }
        } else {
            break;
        }
    }
    return k;
}

// After CHECK or AS at `k`: the expression inside the parentheses that follow.
std::string paren_body(std::string_view sql, const Tokens& t, std::size_t open, std::size_t& next) {
    const std::size_t close = matching_paren(t, open);
    next = close + 1;
    return slice(sql, t, open + 1, close);
}

void parse_column(std::string_view sql, const Tokens& t, std::size_t b, std::size_t e,
                  TableText& out) {
    ColumnText col;
    col.name = token_name(t[b]);
    std::string constraint_name;
    for (std::size_t k = b + 1; k < e;) {
        if (is_punct(t[k], "(")) {
            k = matching_paren(t, k) + 1;  // a type's arguments or a DEFAULT (expr)
        } else if (is_keyword(t[k], "CONSTRAINT") && k + 1 < e) {
            constraint_name = token_name(t[k + 1]);
            k += 2;
            continue;
        } else if (is_keyword(t[k], "CHECK") && k + 1 < e) {
            out.checks.push_back({constraint_name, paren_body(sql, t, k + 1, k)});
        } else if (is_keyword(t[k], "COLLATE") && k + 1 < e) {
            col.collation = upper(token_name(t[k + 1]));
            k += 2;
        } else if (is_keyword(t[k], "AS") && k + 1 < e && is_punct(t[k + 1], "(")) {
            col.generated_sql = paren_body(sql, t, k + 1, k);
            col.generated = Generated::kVirtual;
            if (k < e && t[k].kind == SqlTokenKind::kWord && same_name(t[k].text, "STORED")) {
                col.generated = Generated::kStored;
                ++k;
            }
        } else if (is_keyword(t[k], "REFERENCES")) {
            ForeignKeyText fk;
            fk.columns = {col.name};
            k = parse_references(t, k + 1, e, fk);
            out.foreign_keys.push_back(std::move(fk));
        } else if (is_keyword(t[k], "DEFAULT") && k + 1 < e) {
            // Skip the value so that a bare word there is not read as a constraint.
            k += (is_punct(t[k + 1], "-") || is_punct(t[k + 1], "+")) ? 3
                 : is_punct(t[k + 1], "(")                            ? 1
                                                                      : 2;
        } else {
            out.autoincrement = out.autoincrement || is_keyword(t[k], "AUTOINCREMENT");
            ++k;
        }
        constraint_name.clear();
    }
    out.columns.push_back(std::move(col));
}

void parse_table_constraint(std::string_view sql, const Tokens& t, std::size_t b, std::size_t e,
                            TableText& out) {
    std::string constraint_name;
    std::size_t k = b;
    if (is_keyword(t[k], "CONSTRAINT") && k + 1 < e) {
        constraint_name = token_name(t[k + 1]);
        k += 2;
    }
    if (k < e && is_keyword(t[k], "CHECK") && k + 1 < e) {
        std::size_t next = k;
        out.checks.push_back({constraint_name, paren_body(sql, t, k + 1, next)});
    } else if (k + 2 < e && is_keyword(t[k], "FOREIGN") && is_punct(t[k + 2], "(")) {
        ForeignKeyText fk;
        fk.columns = name_list(t, k + 2);
        k = matching_paren(t, k + 2) + 1;
        if (k < e && is_keyword(t[k], "REFERENCES")) {
            parse_references(t, k + 1, e, fk);
        }
        out.foreign_keys.push_back(std::move(fk));
    } else {
        for (; k < e; ++k) {
            out.autoincrement = out.autoincrement || is_keyword(t[k], "AUTOINCREMENT");
        }
    }
}

bool starts_table_constraint(const SqlToken& t) {
    return is_keyword(t, "CONSTRAINT") || is_keyword(t, "PRIMARY") || is_keyword(t, "UNIQUE") ||
           is_keyword(t, "CHECK") || is_keyword(t, "FOREIGN");
}

}  // namespace

TableText parse_create_table(std::string_view sql) {
    const Tokens t = lex_sql(sql);
    TableText out;
    const std::size_t open = after_object_name(t, "TABLE");
    if (open >= t.size() || !is_punct(t[open], "(")) {
        return out;  // CREATE TABLE ... AS SELECT
    }
    const std::size_t close = matching_paren(t, open);
    for (const auto& [b, e] : split_commas(t, open + 1, close)) {
        if (b >= e) {
            continue;
        }
        if (starts_table_constraint(t[b])) {
            parse_table_constraint(sql, t, b, e, out);
        } else {
            parse_column(sql, t, b, e, out);
        }
    }
    return out;
}

IndexText parse_create_index(std::string_view sql) {
    const Tokens t = lex_sql(sql);
    IndexText out;
    out.unique = t.size() > 1 && is_keyword(t[1], "UNIQUE");
    std::size_t k = after_object_name(t, "INDEX");
    while (k < t.size() && !is_punct(t[k], "(")) {
        ++k;  // ON table
    }
    if (k >= t.size()) {
        return out;
    }
    const std::size_t close = matching_paren(t, k);
    for (auto [b, e] : split_commas(t, k + 1, close)) {
        if (e > b && (is_keyword(t[e - 1], "ASC") || is_keyword(t[e - 1], "DESC"))) {
            --e;
        }
        if (e > b + 1 && is_keyword(t[e - 2], "COLLATE")) {
            e -= 2;
        }
        out.items.push_back(slice(sql, t, b, e));
    }
    if (close + 1 < t.size() && is_keyword(t[close + 1], "WHERE")) {
        out.where = slice(sql, t, close + 2, t.size());
    }
    return out;
}

ViewText parse_create_view(std::string_view sql) {
    const Tokens t = lex_sql(sql);
    ViewText out;
    std::size_t k = after_object_name(t, "VIEW");
    if (k < t.size() && is_punct(t[k], "(")) {
        out.columns = name_list(t, k);
        k = matching_paren(t, k) + 1;
    }
    if (k < t.size() && is_keyword(t[k], "AS")) {
        ++k;
    }
    out.select = normalize_sql(slice(sql, t, k, t.size()));
    return out;
}

std::string parse_create_trigger(std::string_view sql) {
    const Tokens t = lex_sql(sql);
    const std::size_t first = after_object_name(t, "TRIGGER");
    std::size_t body = first;
    while (body < t.size() && !(is_keyword(t[body], "BEGIN") && !is_punct(t[body - 1], "."))) {
        ++body;
    }
    // SQLite has only row triggers, and a trigger without a time runs BEFORE.
    std::string header;
    if (first < t.size() && (is_keyword(t[first], "INSERT") || is_keyword(t[first], "UPDATE") ||
                             is_keyword(t[first], "DELETE"))) {
        header = "BEFORE";
    }
    for (std::size_t k = first; k < body; ++k) {
        if (k + 2 < body && is_keyword(t[k], "FOR") && is_keyword(t[k + 1], "EACH") &&
            is_keyword(t[k + 2], "ROW")) {
            k += 2;
            continue;
        }
        header += (header.empty() ? "" : " ") + std::string(t[k].text);
    }
    return normalize_sql(header + " " + slice(sql, t, body, t.size()));
}

std::string parse_create_virtual_table(std::string_view sql) {
    const Tokens t = lex_sql(sql);
    std::size_t k = after_object_name(t, "TABLE");
    if (k < t.size() && is_keyword(t[k], "USING")) {
        ++k;
    }
    return normalize_sql(slice(sql, t, k, t.size()));
}

}  // namespace runner
