// The lint checks that read one migration file's text, and silencing by lint_ignore.
#include <algorithm>
#include <optional>

#include "lint/lint.hpp"
#include "schema/sql_lexer.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

// Offsets where each line starts; a line ends at LF, CRLF or a lone CR.
std::vector<std::size_t> line_starts(std::string_view text) {
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
            starts.push_back(i + 1);
        }
    }
    return starts;
}

int line_of(const std::vector<std::size_t>& starts, std::size_t offset) {
    return static_cast<int>(std::upper_bound(starts.begin(), starts.end(), offset) -
                            starts.begin());
}

std::string_view line_text(std::string_view text, const std::vector<std::size_t>& starts,
                           int line) {
    const auto from = starts[static_cast<std::size_t>(line - 1)];
    auto to = static_cast<std::size_t>(line) < starts.size()
                  ? starts[static_cast<std::size_t>(line)]
                  : text.size();
    while (to > from && (text[to - 1] == '\n' || text[to - 1] == '\r')) {
        --to;
    }
    return text.substr(from, to - from);
}

// "-- key: value" with a header key, or nullopt.
bool is_header_line(std::string_view line) {
    static constexpr std::string_view kKeys[] = {"revision",      "down_revision", "message",
                                                 "create_date",   "branch_labels", "depends_on",
                                                 "transactional", "lint_ignore"};
    auto t = trim(line);
    if (t.substr(0, 2) != "--") {
        return false;
    }
    t = trim(t.substr(2));
    const auto colon = t.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    const auto key = trim(t.substr(0, colon));
    return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

// The lines of a file that are not header lines or blank, trimmed: what the template's author
// wrote below the header.
std::vector<std::string_view> body_lines(std::string_view text) {
    const auto starts = line_starts(text);
    std::vector<std::string_view> lines;
    for (int l = 1; l <= static_cast<int>(starts.size()); ++l) {
        const auto t = trim(line_text(text, starts, l));
        if (!t.empty() && !is_header_line(t)) {
            lines.push_back(t);
        }
    }
    return lines;
}

// The codes a `-- lint_ignore: a, b` comment names, or nothing for any other line.
std::optional<std::vector<std::string>> ignore_directive(std::string_view line) {
    auto t = trim(line);
    if (t.substr(0, 2) != "--") {
        return std::nullopt;
    }
    t = trim(t.substr(2));
    constexpr std::string_view kKey = "lint_ignore";
    if (t.substr(0, kKey.size()) != kKey) {
        return std::nullopt;
    }
    t = trim(t.substr(kKey.size()));
    if (t.empty() || t.front() != ':') {
        return std::nullopt;
    }
    std::vector<std::string> codes;
    for (const auto& part : split_list(t.substr(1))) {
        std::string code(part);
        std::transform(code.begin(), code.end(), code.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        codes.push_back(std::move(code));
    }
    return codes;
}

// The codes silenced by the comment lines right above `line` (a run of "--" lines).
std::vector<std::string> ignored_above(std::string_view text,
                                       const std::vector<std::size_t>& starts, int line) {
    std::vector<std::string> codes;
    for (int l = line - 1; l >= 1; --l) {
        const auto t = trim(line_text(text, starts, l));
        if (t.substr(0, 2) != "--") {
            break;
        }
        if (auto d = ignore_directive(t)) {
            codes.insert(codes.end(), d->begin(), d->end());
        }
    }
    return codes;
}

bool contains(const std::vector<std::string>& codes, std::string_view code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

struct Checker {
    const LintFile& file;
    const std::vector<std::size_t>& starts;
    std::vector<LintFinding>& out;

    void report(std::string_view code, int line, std::string message) {
        const LintRule* rule = find_lint_rule(code);
        LintFinding f;
        f.code = std::string(code);
        f.severity = rule ? rule->severity : LintSeverity::kError;
        f.file = file.path;
        f.line = line;
        f.revision = file.revision;
        f.message = std::move(message);
        f.remedy = rule ? std::string(rule->remedy) : std::string();
        out.push_back(std::move(f));
    }

    // ALTER TABLE t ADD [COLUMN] c ... NOT NULL with no default, or DEFAULT NULL.
    void add_column(const std::vector<SqlToken>& t, std::size_t from, std::size_t to, int line) {
        std::size_t i = from;
        if (to - i < 5 || !is_keyword(t[i], "ALTER") || !is_keyword(t[i + 1], "TABLE")) {
            return;
        }
        i += 2;
        std::string table = token_name(t[i++]);
        if (i + 1 < to && is_punct(t[i], ".")) {
            table = token_name(t[i + 1]);
            i += 2;
        }
        if (i >= to || !is_keyword(t[i], "ADD")) {
            return;
        }
        ++i;
        if (i < to && is_keyword(t[i], "COLUMN")) {
            ++i;
        }
        if (i >= to) {
            return;
        }
        const std::string column = token_name(t[i++]);
        int depth = 0;
        bool not_null = false;
        bool has_default = false;
        for (; i < to; ++i) {
            if (is_punct(t[i], "(")) {
                ++depth;
            } else if (is_punct(t[i], ")")) {
                --depth;
            } else if (depth == 0 && is_keyword(t[i], "NOT") && i + 1 < to &&
                       is_keyword(t[i + 1], "NULL")) {
                not_null = true;
            } else if (depth == 0 && is_keyword(t[i], "DEFAULT") && i + 1 < to) {
                has_default = !is_keyword(t[i + 1], "NULL");
            } else if (depth == 0 && (is_keyword(t[i], "GENERATED") || is_keyword(t[i], "AS"))) {
                return;  // a generated column has no stored default to give
            }
        }
        if (not_null && !has_default) {
            report("add-not-null-without-default", line,
                   "column '" + column + "' is added to '" + table +
                       "' as NOT NULL without a default: SQLite refuses that on a table with rows");
        }
    }

    void pragma(const std::vector<SqlToken>& t, std::size_t from, std::size_t to, int line) {
        std::size_t i = from + 1;
        if (i + 1 < to && is_punct(t[i + 1], ".")) {
            i += 2;
        }
        if (i + 1 >= to || !(is_punct(t[i + 1], "=") || is_punct(t[i + 1], "("))) {
            return;  // reading a pragma changes nothing
        }
        const std::string name = fold_name(token_name(t[i]));
        if (name == "foreign_keys" || name == "journal_mode") {
            report("pragma-in-transaction", line,
                   "PRAGMA " + name + " is set inside the migration's transaction, where SQLite " +
                       (name == "foreign_keys" ? "ignores it" : "cannot change it to WAL"));
        }
    }

    void statement(const std::vector<SqlToken>& t, std::size_t from, std::size_t to, int line) {
        const SqlToken& first = t[from];
        if (file.transactional) {
            const bool rollback_to = is_keyword(first, "ROLLBACK") &&
                                     ((from + 1 < to && is_keyword(t[from + 1], "TO")) ||
                                      (from + 2 < to && is_keyword(t[from + 1], "TRANSACTION") &&
                                       is_keyword(t[from + 2], "TO")));
            if (is_keyword(first, "SAVEPOINT") || is_keyword(first, "RELEASE") || rollback_to) {
                report("savepoint-in-migration", line,
                       std::string(first.text) + " inside the migration's transaction");
            } else if (is_keyword(first, "BEGIN") || is_keyword(first, "COMMIT") ||
                       is_keyword(first, "END") || is_keyword(first, "ROLLBACK")) {
                report("transaction-control", line,
                       std::string(first.text) +
                           " in a transactional migration would end runner's transaction");
            } else if (is_keyword(first, "VACUUM")) {
                report("vacuum-in-transaction", line,
                       "VACUUM cannot run inside the migration's transaction");
            } else if (is_keyword(first, "PRAGMA")) {
                pragma(t, from, to, line);
            }
        }
        add_column(t, from, to, line);
    }
};

}  // namespace

std::vector<LintStatement> lint_statements(std::string_view script, bool dollar_quotes) {
    const auto tokens = lex_sql(script, dollar_quotes);
    const auto starts = line_starts(script);
    std::vector<LintStatement> statements;
    std::size_t first = 0;
    // Inside CREATE TRIGGER ... BEGIN ... END, a ';' does not end the statement.
    bool trigger = false;
    bool in_body = false;
    int case_depth = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto& tok = tokens[i];
        if (i == first) {
            trigger = false;
            in_body = false;
            case_depth = 0;
            if (is_punct(tok, ";")) {
                ++first;  // an empty statement
                continue;
            }
        }
        if (i == first + 1 || i == first + 2) {
            if (is_keyword(tokens[first], "CREATE") && is_keyword(tok, "TRIGGER")) {
                trigger = true;
            }
        }
        if (trigger) {
            if (!in_body && is_keyword(tok, "BEGIN")) {
                in_body = true;
                continue;
            }
            if (in_body && is_keyword(tok, "CASE")) {
                ++case_depth;
            } else if (in_body && is_keyword(tok, "END")) {
                if (case_depth > 0) {
                    --case_depth;
                } else {
                    in_body = false;
                    trigger = false;  // the body is over; the next ';' ends the statement
                }
            }
            if (in_body) {
                continue;
            }
        }
        if (is_punct(tok, ";")) {
            statements.push_back(
                {line_of(starts, tokens[first].offset), tokens[first].offset, tok.offset});
            first = i + 1;
        }
    }
    if (first < tokens.size()) {  // the last statement has no ';'
        const auto& last = tokens.back();
        statements.push_back({line_of(starts, tokens[first].offset), tokens[first].offset,
                              last.offset + last.text.size()});
    }
    return statements;
}

std::vector<LintFinding> lint_file_text(const LintFile& file) {
    std::vector<LintFinding> out;
    const auto starts = line_starts(file.text);
    Checker check{file, starts, out};
    if (!file.template_text.empty() && body_lines(file.text) == body_lines(file.template_text)) {
        if (!file.merge) {
            check.report("untouched-template", 0,
                         "the file is still the template `runner revision` wrote");
        }
    } else {
        const auto tokens = lex_sql(file.text, file.dollar_quotes);
        std::size_t from = 0;
        bool any = false;
        for (const auto& s : lint_statements(file.text, file.dollar_quotes)) {
            while (from < tokens.size() && tokens[from].offset < s.begin) {
                ++from;
            }
            std::size_t to = from;
            while (to < tokens.size() && tokens[to].offset < s.end) {
                ++to;
            }
            if (to > from) {
                any = true;
                check.statement(tokens, from, to, s.line);
            }
            from = to;
        }
        if (!any && !file.merge) {
            check.report("empty-migration", 0, "the file has no SQL statement");
        }
    }
    // lint_ignore codes that name no rule, in the header and above statements.
    for (int l = 1; l <= static_cast<int>(starts.size()); ++l) {
        if (const auto codes = ignore_directive(line_text(file.text, starts, l))) {
            for (const auto& code : *codes) {
                if (!find_lint_rule(code)) {
                    check.report(
                        "unknown-lint-code", l,
                        "lint_ignore names '" + printable(code) + "', which is not a lint code");
                }
            }
        }
    }
    apply_lint_silencing(file, out);
    return out;
}

void apply_lint_silencing(const LintFile& file, std::vector<LintFinding>& findings) {
    const auto starts = line_starts(file.text);
    for (auto& f : findings) {
        if (f.file != file.path) {
            continue;
        }
        if (f.code == "unknown-lint-code") {
            // Silenced only by naming it in the directive that has the unknown code (a code of a
            // newer runner), or in the header.
            const auto own =
                f.line > 0 ? ignore_directive(line_text(file.text, starts, f.line)) : std::nullopt;
            f.silenced = contains(file.ignored, f.code) || (own && contains(*own, f.code));
            continue;
        }
        if (contains(file.ignored, f.code) ||
            (f.line > 0 && contains(ignored_above(file.text, starts, f.line), f.code))) {
            f.silenced = true;
        }
    }
}

}  // namespace runner
