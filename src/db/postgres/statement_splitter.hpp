// Splits a PostgreSQL script into the statements psql would send, one at a time. Pure code: no
// connection; the lexical rules are those of psql's scanner with standard_conforming_strings on.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace runner {

enum class PgStatementKind {
    kSql,            // an ordinary statement
    kCopyFromStdin,  // COPY ... FROM STDIN; its data is the next item (kCopyData), if any
    kCopyToStdout,   // COPY ... TO STDOUT
    kCopyData,       // the lines after COPY ... FROM STDIN, through the "\." line (or the end)
    kMetaCommand,    // a psql backslash command: from the backslash to the end of its line
};

struct PgStatement {
    std::string text;         // from the first token through the ';' that ends it, if any
    std::size_t offset = 0;   // byte offset of `text` in the script
    int line = 0;             // 1-based line of the first token
    int column = 0;           // 1-based column of the first token, in UTF-8 characters
    bool terminated = false;  // ended by ';' (false: by the end of the script or a backslash)
    PgStatementKind kind = PgStatementKind::kSql;
};

// A script psql could not send either: an unterminated quote, identifier or comment, or a NUL
// byte. what() is "<path>:<line>: <reason>", one line; the line is where the construct started.
class PgSplitError : public Error {
  public:
    PgSplitError(const std::string& path, int line, const std::string& reason);
    int line() const { return line_; }
    const std::string& reason() const { return reason_; }

  private:
    int line_;
    std::string reason_;
};

// Streams a script in: feed() chunks, finish(), and take statements with next() as they become
// complete. Linear in the input; holds only the unfinished statement. Lines end at LF, CRLF or
// a lone CR. Statements that hold no token (";;", comments) are skipped.
class PgStatementSplitter {
  public:
    explicit PgStatementSplitter(std::string path);
    PgStatementSplitter(const PgStatementSplitter&) = delete;
    PgStatementSplitter& operator=(const PgStatementSplitter&) = delete;

    void feed(std::string_view chunk);
    void finish();  // no more input will come
    // The next statement; nullopt when more input is needed, or at the end after finish().
    // Throws PgSplitError once the script is known to be unsendable at that point.
    std::optional<PgStatement> next();

  private:
    enum class State {
        kTop,
        kLineComment,
        kBlockComment,
        kQuote,        // '...', B'', X'', N'', U&'' (a backslash is an ordinary character)
        kEscapeQuote,  // E'...' (a backslash escapes the next character)
        kIdentQuote,   // "..." and U&"..."
        kDollarQuote,
        kMetaCommand,
        kCopyPending,  // after COPY ... FROM STDIN; : the rest of the line before the data
        kCopyData,
    };

    bool scan();  // false: the buffer ends before the next decision can be made
    bool scan_top();
    bool scan_word_or_prefix();
    bool scan_word(std::size_t start, std::size_t from, bool is_word);
    bool scan_number();
    bool scan_dollar();
    bool scan_line_comment();
    bool scan_block_comment();
    bool scan_quoted(char quote, bool escapes, const char* what);
    bool scan_quote();
    bool scan_escape_quote();
    bool scan_ident_quote();
    bool scan_dollar_quote();
    bool scan_meta_command();
    bool scan_copy_pending();
    bool scan_copy_data();

    std::size_t size() const { return end_; }
    bool at_end(std::size_t i) const { return i >= end_; }
    // At the end of what can be scanned: true when the script ends there, false when more
    // input may come. Throws at a NUL byte.
    bool ends_here();
    int peek(std::size_t i);                   // the byte at buf_[i], or kPgEnd, or kPgMore
    bool need_more(std::size_t lexeme_start);  // records when to retry; returns false
    void open(State state, std::size_t start, bool is_token);
    void token(std::size_t start, std::size_t end, bool word = false);
    void note_word(std::string_view word);
    void end_statement(std::size_t end, bool terminated);
    void emit(PgStatementKind kind, std::size_t start, std::size_t end, bool terminated);
    void advance_lines(std::size_t abs);  // moves the line counter to script offset `abs`
    [[noreturn]] void fail(int line, const std::string& reason);

    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    std::string path_;
    std::string buf_;          // unconsumed input; buf_[0] is script offset base_
    std::size_t base_ = 0;     // script offset of buf_[0]
    std::size_t end_ = 0;      // scannable part of buf_: up to the first NUL byte
    std::size_t nul_ = kNone;  // script offset of the first NUL byte
    std::size_t pos_ = 0;      // index in buf_ of the next lexeme
    std::size_t retry_ = 0;    // script offset buf_ must reach before scanning again
    bool eof_ = false;
    bool done_ = false;
    bool started_ = false;  // the BOM check is done
    std::deque<PgStatement> ready_;

    State state_ = State::kTop;
    int comment_depth_ = 0;
    std::string dollar_tag_;          // "$tag$" of the open dollar quote
    int construct_line_ = 0;          // where the open quote or comment started
    std::size_t item_start_ = kNone;  // script offset of an open meta-command or COPY data

    // The statement being collected.
    std::size_t stmt_start_ = kNone;  // script offset of its first token
    int stmt_line_ = 0;
    int stmt_column_ = 0;
    std::size_t last_token_end_ = 0;  // script offset after its last token
    int paren_depth_ = 0;
    int begin_depth_ = 0;  // BEGIN ... END in CREATE FUNCTION/PROCEDURE
    int word_count_ = 0;
    char first_words_[4] = {};  // initials of CREATE, OR, REPLACE, FUNCTION, PROCEDURE
    int token_count_ = 0;
    bool copy_ = false;               // its first token is COPY
    std::string_view previous_word_;  // "from", "to", or empty
    PgStatementKind kind_ = PgStatementKind::kSql;

    // Line counter: line and column (characters before) at script offset lines_at_.
    std::size_t lines_at_ = 0;
    int line_ = 1;
    int column_ = 0;
    bool after_cr_ = false;
};

// The statements of a whole script (tests, small scripts). Throws PgSplitError.
std::vector<PgStatement> split_pg_statements(std::string_view script, const std::string& path);

struct PgTextLocation {
    int line = 0;
    int column = 0;  // 1-based, in characters
};

// Where PostgreSQL's error position falls in the file: `position` is 1-based and counts UTF-8
// characters of statement.text (one past the end means its end). nullopt when out of range.
std::optional<PgTextLocation> pg_error_location(const PgStatement& statement, int position);

}  // namespace runner
