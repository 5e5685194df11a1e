// SQLite's tokens: the lexer shared by the normaliser and the CREATE-text reader.
#include "schema/sql_lexer.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace runner {
namespace {

// SQLite 3.40's keyword list (lang_keywords.html), sorted for binary search.
constexpr std::array<std::string_view, 147> kKeywords = {
    "ABORT",
    "ACTION",
    "ADD",
    "AFTER",
    "ALL",
    "ALTER",
    "ALWAYS",
    "ANALYZE",
    "AND",
    "AS",
    "ASC",
    "ATTACH",
    "AUTOINCREMENT",
    "BEFORE",
    "BEGIN",
    "BETWEEN",
    "BY",
    "CASCADE",
    "CASE",
    "CAST",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "COMMIT",
    "CONFLICT",
    "CONSTRAINT",
    "CREATE",
    "CROSS",
    "CURRENT",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "DATABASE",
    "DEFAULT",
    "DEFERRABLE",
    "DEFERRED",
    "DELETE",
    "DESC",
    "DETACH",
    "DISTINCT",
    "DO",
    "DROP",
    "EACH",
    "ELSE",
    "END",
    "ESCAPE",
    "EXCEPT",
    "EXCLUDE",
    "EXCLUSIVE",
    "EXISTS",
    "EXPLAIN",
    "FAIL",
    "FILTER",
    "FIRST",
    "FOLLOWING",
    "FOR",
    "FOREIGN",
    "FROM",
    "FULL",
    "GENERATED",
    "GLOB",
    "GROUP",
    "GROUPS",
    "HAVING",
    "IF",
    "IGNORE",
    "IMMEDIATE",
    "IN",
    "INDEX",
    "INDEXED",
    "INITIALLY",
    "INNER",
    "INSERT",
    "INSTEAD",
    "INTERSECT",
    "INTO",
    "IS",
    "ISNULL",
    "JOIN",
    "KEY",
    "LAST",
    "LEFT",
    "LIKE",
    "LIMIT",
    "MATCH",
    "MATERIALIZED",
    "NATURAL",
    "NO",
    "NOT",
    "NOTHING",
    "NOTNULL",
    "NULL",
    "NULLS",
    "OF",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "OTHERS",
    "OUTER",
    "OVER",
    "PARTITION",
    "PLAN",
    "PRAGMA",
    "PRECEDING",
    "PRIMARY",
    "QUERY",
    "RAISE",
    "RANGE",
    "RECURSIVE",
    "REFERENCES",
    "REGEXP",
    "REINDEX",
    "RELEASE",
    "RENAME",
    "REPLACE",
    "RESTRICT",
    "RETURNING",
    "RIGHT",
    "ROLLBACK",
    "ROW",
    "ROWS",
    "SAVEPOINT",
    "SELECT",
    "SET",
    "TABLE",
    "TEMP",
    "TEMPORARY",
    "THEN",
    "TIES",
    "TO",
    "TRANSACTION",
    "TRIGGER",
    "UNBOUNDED",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "USING",
    "VACUUM",
    "VALUES",
    "VIEW",
    "VIRTUAL",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
    "WITHOUT",
};
static_assert(std::is_sorted(kKeywords.begin(), kKeywords.end()), "binary search needs order");

bool is_name_start(unsigned char c) {
    return std::isalpha(c) || c == '_' || c >= 0x80;
}
bool is_name_char(unsigned char c) {
    return is_name_start(c) || std::isdigit(c) || c == '$';
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

// Index just past a quoted run starting at `i` and closed by `close`; a doubled `close` is an
// escaped one unless `close` is ']'.
std::size_t skip_quoted(std::string_view s, std::size_t i, char close) {
    for (std::size_t k = i + 1; k < s.size(); ++k) {
        if (s[k] == close) {
            if (close != ']' && k + 1 < s.size() && s[k + 1] == close) {
                ++k;
                continue;
            }
            return k + 1;
        }
    }
    return s.size();
}

std::size_t skip_number(std::string_view s, std::size_t i) {
    auto digit = [&](std::size_t k) {
        return k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]));
    };
    if (s[i] == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        i += 2;
        while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) {
            ++i;
        }
        return i;
    }
    while (digit(i) || (i < s.size() && s[i] == '_' && digit(i + 1))) {
        ++i;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (digit(i)) {
            ++i;
        }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E') &&
        (digit(i + 1) ||
         ((i + 1 < s.size() && (s[i + 1] == '+' || s[i + 1] == '-')) && digit(i + 2)))) {
        i += 2;
        while (digit(i)) {
            ++i;
        }
    }
    return i;
}

std::size_t punct_length(std::string_view s, std::size_t i) {
    static constexpr std::array<std::string_view, 11> kLong = {
        "->>", "||", "<=", ">=", "==", "!=", "<>", "<<", ">>", "->", "::"};
    for (std::string_view p : kLong) {
        if (s.substr(i, p.size()) == p) {
            return p.size();
        }
    }
    return 1;
}

// The length of the PostgreSQL dollar-quote tag starting at s[i] ('$', an optional name that
// does not start with a digit, '$'), or 0 when none starts there.
std::size_t dollar_tag(std::string_view s, std::size_t i) {
    std::size_t k = i + 1;
    if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) {
        return 0;  // $1 is a parameter
    }
    while (k < s.size() && s[k] != '$' &&
           (is_name_start(static_cast<unsigned char>(s[k])) ||
            std::isdigit(static_cast<unsigned char>(s[k])))) {
        ++k;
    }
    return k < s.size() && s[k] == '$' ? k + 1 - i : 0;
}

}  // namespace

std::vector<SqlToken> lex_sql(std::string_view s, bool dollar_quotes) {
    std::vector<SqlToken> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (std::isspace(c)) {
            ++i;
            continue;
        }
        if (s.substr(i, 2) == "--") {
            const std::size_t eol = s.find('\n', i);
            i = eol == std::string_view::npos ? s.size() : eol + 1;
            continue;
        }
        if (s.substr(i, 2) == "/*") {
            const std::size_t end = s.find("*/", i + 2);
            i = end == std::string_view::npos ? s.size() : end + 2;
            continue;
        }
        std::size_t end = i + 1;
        SqlTokenKind kind = SqlTokenKind::kPunct;
        if ((c == 'x' || c == 'X') && i + 1 < s.size() && s[i + 1] == '\'') {
            kind = SqlTokenKind::kBlob;
            end = skip_quoted(s, i + 1, '\'');
        } else if (is_name_start(c)) {
            kind = SqlTokenKind::kWord;
            while (end < s.size() && is_name_char(static_cast<unsigned char>(s[end]))) {
                ++end;
            }
        } else if (c == '"' || c == '`' || c == '[') {
            kind = SqlTokenKind::kQuotedName;
            end = skip_quoted(s, i, c == '[' ? ']' : static_cast<char>(c));
        } else if (c == '\'') {
            kind = SqlTokenKind::kString;
            end = skip_quoted(s, i, '\'');
        } else if (std::isdigit(c) || (c == '.' && i + 1 < s.size() &&
                                       std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
            kind = SqlTokenKind::kNumber;
            end = skip_number(s, i);
        } else if (const auto tag = dollar_quotes && c == '$' ? dollar_tag(s, i) : 0; tag > 0) {
            kind = SqlTokenKind::kString;  // $tag$ ... $tag$: to the same tag, or to the end
            const auto close = s.find(s.substr(i, tag), i + tag);
            end = close == std::string_view::npos ? s.size() : close + tag;
        } else if (c == '?' || ((c == ':' || c == '@' || c == '$') && i + 1 < s.size() &&
                                is_name_char(static_cast<unsigned char>(s[i + 1])))) {
            kind = SqlTokenKind::kVariable;
            while (end < s.size() && is_name_char(static_cast<unsigned char>(s[end]))) {
                ++end;
            }
        } else {
            end = i + punct_length(s, i);
        }
        out.push_back({kind, s.substr(i, end - i), i});
        i = end;
    }
    return out;
}

bool is_sql_keyword(std::string_view word) {
    if (word.size() > 17) {
        return false;
    }
    return std::binary_search(kKeywords.begin(), kKeywords.end(), upper(word));
}

bool is_keyword(const SqlToken& t, std::string_view keyword) {
    return t.kind == SqlTokenKind::kWord && same_name(t.text, keyword);
}

bool is_punct(const SqlToken& t, std::string_view text) {
    return t.kind == SqlTokenKind::kPunct && t.text == text;
}

std::string token_name(const SqlToken& t) {
    if (t.kind != SqlTokenKind::kQuotedName || t.text.size() < 2) {
        return std::string(t.text);
    }
    const char open = t.text.front();
    const char close = open == '[' ? ']' : open;
    std::string_view body = t.text.substr(1);
    if (body.back() == close) {
        body.remove_suffix(1);
    }
    std::string out;
    for (std::size_t k = 0; k < body.size(); ++k) {
        out += body[k];
        if (close != ']' && body[k] == close && k + 1 < body.size() && body[k + 1] == close) {
            ++k;
        }
    }
    return out;
}

bool same_name(std::string_view a, std::string_view b) {
    return fold_name(a) == fold_name(b);
}

std::string fold_name(std::string_view name) {
    std::string out(name);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

}  // namespace runner
