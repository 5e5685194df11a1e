// One libpq connection to a PostgreSQL server, and the way runner talks over it: its own
// statements (with parameters), queries, and the statements of a migration. Every failure is a
// DatabaseError naming the server's SQLSTATE, message, DETAIL and HINT; a statement of a
// migration fails with its file:line and a caret under the error position.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/postgres/statement_splitter.hpp"

struct pg_conn;  // libpq's PGconn; only the backend's .cpp files see <libpq-fe.h>

namespace runner {

using PgParams = std::vector<std::optional<std::string>>;
using PgRow = std::vector<std::optional<std::string>>;

// What the server said about a failed command, each part on one line.
struct PgServerError {
    std::string sqlstate;  // "42P01"; empty when the failure was the connection's
    std::string message;   // the primary message
    std::string detail;
    std::string hint;
    int position = 0;  // 1-based character position in the statement sent; 0 when none
    // "<message> (SQLSTATE <code>); DETAIL: <detail>; HINT: <hint>", parts that are empty left out
    std::string describe() const;
};

class PgSession {
  public:
    // Connects to `url` (a postgresql:// URL, with or without a driver part, or a libpq
    // keyword/value string; libpq adds the PG* environment variables and ~/.pgpass). `shown`
    // names it in messages. Throws DatabaseError, one line, never showing the password.
    // `database`, when given, replaces the database the URL names (a scratch database on the
    // same server).
    PgSession(const std::string& url, std::string shown, const std::string& database = {});
    PgSession(const PgSession&) = delete;
    PgSession& operator=(const PgSession&) = delete;
    ~PgSession();

    const std::string& shown() const { return shown_; }

    // Runs `sql` (statements without parameters). Throws DatabaseError
    // "<shown>: <doing>: <server's error>".
    void exec(std::string_view sql, std::string_view doing);
    // One statement with parameters $1..$n (text, or NULL); returns the rows it changed.
    std::int64_t execute(std::string_view sql, const PgParams& params, std::string_view doing);
    // Statements with parameters, sent together in one round trip (libpq's pipeline mode; one
    // at a time with a libpq older than 14) and run in order until one fails: that failure is
    // thrown as execute() throws it, with its `doing`. Returns the rows each changed. Outside a
    // transaction block the statements up to one marked `separately` (and up to the last) run
    // as one implicit transaction; a statement marked `separately` ends one, so what follows it
    // starts afresh (a BEGIN after RESET ALL sees the defaults it restored).
    struct BatchItem {
        std::string_view sql;
        PgParams params;
        std::string_view doing;
        bool separately = false;
    };
    std::vector<std::int64_t> execute_batch(const std::vector<BatchItem>& items);
    // One query with parameters: every row, each value as text (nullopt for NULL); a timestamp
    // as "YYYY-MM-DD HH:MM:SS" (the session's time zone, UTC for runner's connections).
    std::vector<PgRow> query(std::string_view sql, const PgParams& params, std::string_view doing);
    // The first column of the first row, or nullopt when there is none (or it is NULL).
    std::optional<std::string> scalar(std::string_view sql, const PgParams& params,
                                      std::string_view doing);

    // One statement of the migration `origin` (its `index`, 1-based). Throws StatementError
    // "<origin>:<line>: <server's error>" with the line the error position falls on and an
    // excerpt with a caret under it; RefusedStatementError for COPY FROM STDIN and psql
    // meta-commands, which runner does not send.
    void run_statement(const PgStatement& statement, const std::string& origin, int index);

    // Whether a transaction is open (also one that failed and awaits ROLLBACK).
    bool in_transaction() const;
    // Whether the open transaction failed (only ROLLBACK can end it).
    bool transaction_failed() const;

  private:
    struct Closer {
        void operator()(pg_conn* conn) const noexcept;
    };
    std::unique_ptr<pg_conn, Closer> conn_;
    std::string shown_;
};

// The line of `statement` that holds the 1-based character position `position` (as the server
// reports it), and a caret line under that character; with `position` 0, its first line alone.
// The location is where pg_error_location puts it.
std::string pg_statement_excerpt(const PgStatement& statement, int position);

}  // namespace runner
