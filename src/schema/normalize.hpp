// Normalises the SQL that SQLite keeps only as text (CHECK, defaults, generated columns, index
// expressions and WHERE, view and trigger bodies) so two spellings of one thing compare equal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schema/sql_lexer.hpp"

namespace runner {

// How runner writes a name: bare when it is a plain identifier that is not a keyword,
// otherwise "double-quoted".
std::string quote_name(std::string_view name);

struct NormalizeOptions {
    // When not empty, a "double-quoted" token naming none of these is a string literal, as SQLite
    // reads it in a CHECK, a generated column or an index expression (its double-quoted-string
    // fallback); it is written as 'text'.
    std::vector<std::string> column_names;
};

// One canonical spelling: comments dropped, whitespace folded to one space where tokens need it,
// keywords in upper case, function names in lower case, NEW. and OLD. in upper case, other names
// quoted as quote_name() does, == as =, <> as !=. Strings, blobs' bytes and the spelling of
// names are kept; nothing changes inside a string literal.
std::string normalize_sql(std::string_view sql, const NormalizeOptions& options = {});

// Whether two SQL texts are the same after normalising, with names compared case-insensitively.
bool same_sql(std::string_view a, std::string_view b);

// A declared column type: normalised, every word in upper case ("varchar (20)" -> "VARCHAR(20)").
std::string normalize_type(std::string_view type);

// normalize_sql(), then without parentheses that wrap the whole expression: "((a + 1))" -> "a + 1".
std::string strip_outer_parentheses(std::string_view sql);

// A DEFAULT expression: normalised, redundant outer parentheses removed, and a lone name written
// as the string literal SQLite reads it as.
std::string normalize_default(std::string_view expression);

// True when `expression` (normalised) can follow DEFAULT without parentheses: a literal, a
// signed number, NULL, TRUE/FALSE or CURRENT_TIME/DATE/TIMESTAMP.
bool is_bare_default(std::string_view expression);

}  // namespace runner
