// What one PostgreSQL statement touches, read from its text (pure code, no connection): the
// tables it writes rows of or changes the definition of, as far as its leading words tell, and
// whether it names one of runner's bookkeeping tables at all.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runner {

struct PgTouch {
    std::vector<std::string> written;  // INSERT INTO t, UPDATE t, DELETE FROM t, TRUNCATE t, ...
    std::vector<std::string> changed;  // CREATE/ALTER/DROP TABLE t, CREATE INDEX ... ON t, ...
};

// The tables `statement` (one complete statement, as the splitter returns it) touches, by name
// without schema (unquoted names folded to lower case, quoted ones as written).
PgTouch pg_statement_touch(std::string_view statement);

// The first of `tables` that `statement` names anywhere outside strings and comments (unquoted
// names compared after folding to lower case, quoted ones exactly), unless the statement is a
// plain SELECT; empty when none. Runner refuses such a statement: its own bookkeeping is not a
// migration's to change.
std::string pg_names_protected_table(std::string_view statement,
                                     const std::vector<std::string>& tables);

// Whether `statement` may change settings of the session that outlive its transaction, so that
// runner must restore them before the next migration: SET (not SET LOCAL, SET TRANSACTION or
// SET CONSTRAINTS), RESET, DISCARD, LOAD, DO and CALL (their code may SET), and anything calling
// set_config. A function called from a plain query that sets a session setting is not seen.
bool pg_may_change_session(std::string_view statement);

// CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON [ONLY] [schema.]table: what a
// failed build of it leaves behind, an INVALID index of that name on that table. Names as the
// catalog spells them (unquoted ones folded to lower case); `table_schema` empty when the
// statement does not name one.
struct PgConcurrentIndex {
    std::string name;
    std::string table_schema;
    std::string table;
};

// The index `statement` builds concurrently; nullopt for any other statement, and for one that
// leaves the index's name to the server.
std::optional<PgConcurrentIndex> pg_concurrent_index(std::string_view statement);

}  // namespace runner
