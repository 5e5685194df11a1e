// SQLite's tokens, split as its tokenizer splits them: the lexer shared by the normaliser and
// the reader of stored CREATE text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace runner {

// SQLite's tokens, as its tokenizer splits them. Whitespace and comments are not tokens.
enum class SqlTokenKind {
    kWord,        // a bare word: a keyword or an identifier (letters, digits, _, $, non-ASCII)
    kQuotedName,  // "name", [name] or `name`
    kString,      // 'text'
    kBlob,        // x'00ff'
    kNumber,      // 12, 1.5e3, .5, 0x1F
    kVariable,    // ?, ?1, :name, @name, $name
    kPunct,       // operators and punctuation: ( ) , ; . || <= >= == != <> << >> -> ->> and others
};

struct SqlToken {
    SqlTokenKind kind;
    std::string_view text;  // a view into the lexed source
    std::size_t offset;     // where text starts in the source
};

// Splits `sql` into tokens. Never throws: an unterminated quote or comment runs to the end.
// With `dollar_quotes` (PostgreSQL's text), $$...$$ and $tag$...$tag$ are one kString token.
std::vector<SqlToken> lex_sql(std::string_view sql, bool dollar_quotes = false);

// True for SQLite's keywords (lang_keywords.html), in any case.
bool is_sql_keyword(std::string_view word);
// True when `t` is the bare keyword `keyword` (given in upper case).
bool is_keyword(const SqlToken& t, std::string_view keyword);
// True when `t` is `text` punctuation.
bool is_punct(const SqlToken& t, std::string_view text);

// The name a word or quoted-name token stands for: quotes removed, doubled quotes undone.
std::string token_name(const SqlToken& t);
// SQLite compares names case-insensitively in ASCII only.
bool same_name(std::string_view a, std::string_view b);
std::string fold_name(std::string_view name);

}  // namespace runner
