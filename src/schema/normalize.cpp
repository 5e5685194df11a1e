// Normalises the SQL that SQLite keeps only as text so two spellings of one thing compare equal.
#include "schema/normalize.hpp"

#include <algorithm>
#include <cctype>

namespace runner {
namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

bool is_plain_identifier(std::string_view name) {
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

std::string single_quoted(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        out += c;
        if (c == '\'') {
            out += '\'';
        }
    }
    return out + "'";
}

bool is_name_token(const SqlToken& t) {
    return t.kind == SqlTokenKind::kQuotedName ||
           (t.kind == SqlTokenKind::kWord && !is_sql_keyword(t.text));
}

// Whether the token before a + - ~ ends an operand, making the sign binary.
bool ends_operand(const SqlToken& t) {
    switch (t.kind) {
        case SqlTokenKind::kPunct:
            return t.text == ")";
        case SqlTokenKind::kWord:
            return !is_sql_keyword(t.text) || is_keyword(t, "NULL") || is_keyword(t, "END") ||
                   is_keyword(t, "CURRENT_DATE") || is_keyword(t, "CURRENT_TIME") ||
                   is_keyword(t, "CURRENT_TIMESTAMP");
        default:
            return true;
    }
}

// The canonical text of one token.
// The name before "(" is a function's unless it follows INTO, REFERENCES, TABLE or VIEW.
bool is_function_name(const SqlToken& t, const SqlToken* next, const SqlToken* prev) {
    return is_name_token(t) && next && is_punct(*next, "(") &&
           !(prev && (is_keyword(*prev, "INTO") || is_keyword(*prev, "REFERENCES") ||
                      is_keyword(*prev, "TABLE") || is_keyword(*prev, "VIEW")));
}

// The canonical text of one token. Function names and NEW./OLD. ignore case in SQLite, so they
// get one spelling: functions in lower case, NEW and OLD in upper case.
std::string token_text(const SqlToken& t, const NormalizeOptions& options, const SqlToken* next,
                       const SqlToken* prev) {
    if (t.kind == SqlTokenKind::kWord && next && is_punct(*next, ".") &&
        (same_name(t.text, "new") || same_name(t.text, "old"))) {
        return upper(t.text);
    }
    if (t.kind == SqlTokenKind::kWord && prev && is_punct(*prev, ".")) {
        return quote_name(t.text);  // after "." a keyword is a name: NEW."begin"
    }
    if (is_function_name(t, next, prev) && is_plain_identifier(token_name(t))) {
        return fold_name(token_name(t));
    }
    switch (t.kind) {
        case SqlTokenKind::kWord:
            return is_sql_keyword(t.text) ? upper(t.text) : quote_name(t.text);
        case SqlTokenKind::kQuotedName: {
            const std::string name = token_name(t);
            if (t.text.front() == '"' && !options.column_names.empty() &&
                std::none_of(options.column_names.begin(), options.column_names.end(),
                             [&](const std::string& c) { return same_name(c, name); })) {
                return single_quoted(name);
            }
            return quote_name(name);
        }
        case SqlTokenKind::kBlob:
            return "X" + upper(t.text.substr(1));
        case SqlTokenKind::kNumber: {
            std::string n(t.text);
            std::transform(n.begin(), n.end(), n.begin(), [](char c) {
                return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            });
            return n;
        }
        case SqlTokenKind::kPunct:
            return t.text == "==" ? "=" : t.text == "<>" ? "!=" : std::string(t.text);
        default:
            return std::string(t.text);
    }
}

}  // namespace

std::string quote_name(std::string_view name) {
    if (is_plain_identifier(name) && !is_sql_keyword(name)) {
        return std::string(name);
    }
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::string normalize_sql(std::string_view sql, const NormalizeOptions& options) {
    const std::vector<SqlToken> tokens = lex_sql(sql);
    std::string out;
    bool glue_next = true;  // no space before the next token
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const SqlToken& t = tokens[k];
        const bool closing =
            is_punct(t, ")") || is_punct(t, ",") || is_punct(t, ";") || is_punct(t, ".");
        const bool call = is_punct(t, "(") && k > 0 && is_name_token(tokens[k - 1]);
        if (!glue_next && !closing && !call) {
            out += ' ';
        }
        out += token_text(t, options, k + 1 < tokens.size() ? &tokens[k + 1] : nullptr,
                          k > 0 ? &tokens[k - 1] : nullptr);
        const bool sign = (is_punct(t, "-") || is_punct(t, "+") || is_punct(t, "~")) &&
                          (k == 0 || !ends_operand(tokens[k - 1]));
        // A sign is glued to its operand unless that would make "--", "-+" and the like.
        glue_next = is_punct(t, "(") || is_punct(t, ".") ||
                    (sign && k + 1 < tokens.size() && tokens[k + 1].kind != SqlTokenKind::kPunct);
    }
    return out;
}

bool same_sql(std::string_view a, std::string_view b) {
    auto key = [](std::string_view text) {
        const std::string normalized = normalize_sql(text);
        std::vector<std::string> out;
        for (const SqlToken& t : lex_sql(normalized)) {
            // Names and keywords compare case-insensitively whatever their quoting.
            const bool name = t.kind == SqlTokenKind::kWord || t.kind == SqlTokenKind::kQuotedName;
            out.push_back(name ? "\x01" + fold_name(token_name(t)) : std::string(t.text));
        }
        return out;
    };
    return key(a) == key(b);
}

std::string normalize_type(std::string_view type) {
    return upper(normalize_sql(type));
}

std::string strip_outer_parentheses(std::string_view sql) {
    std::string text = normalize_sql(sql);
    for (;;) {
        const std::vector<SqlToken> tokens = lex_sql(text);
        if (tokens.size() < 2 || !is_punct(tokens.front(), "(") || !is_punct(tokens.back(), ")")) {
            break;
        }
        int depth = 0;
        bool wraps_all = true;
        for (std::size_t k = 0; k + 1 < tokens.size(); ++k) {
            depth += is_punct(tokens[k], "(") ? 1 : is_punct(tokens[k], ")") ? -1 : 0;
            wraps_all = wraps_all && depth > 0;
        }
        if (!wraps_all) {
            break;
        }
        text = normalize_sql(text.substr(1, text.size() - 2));
    }
    return text;
}

std::string normalize_default(std::string_view expression) {
    const std::string text = strip_outer_parentheses(expression);
    const std::vector<SqlToken> tokens = lex_sql(text);
    if (tokens.size() == 1 && is_name_token(tokens[0])) {
        const std::string name = token_name(tokens[0]);
        if (same_name(name, "true") || same_name(name, "false")) {
            return upper(name);
        }
        return single_quoted(name);
    }
    return text;
}

bool is_bare_default(std::string_view expression) {
    const std::vector<SqlToken> t = lex_sql(expression);
    if (t.size() == 2) {
        return (is_punct(t[0], "-") || is_punct(t[0], "+")) && t[1].kind == SqlTokenKind::kNumber;
    }
    if (t.size() != 1) {
        return false;
    }
    switch (t[0].kind) {
        case SqlTokenKind::kString:
        case SqlTokenKind::kBlob:
        case SqlTokenKind::kNumber:
            return true;
        case SqlTokenKind::kWord:
            return is_keyword(t[0], "NULL") || is_keyword(t[0], "TRUE") ||
                   is_keyword(t[0], "FALSE") || is_keyword(t[0], "CURRENT_DATE") ||
                   is_keyword(t[0], "CURRENT_TIME") || is_keyword(t[0], "CURRENT_TIMESTAMP");
        default:
            return false;
    }
}

}  // namespace runner