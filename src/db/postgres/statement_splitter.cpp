// Splits a PostgreSQL script where psql would (its scanner is src/fe_utils/psqlscan.l).
//
// Accepted lexical grammar, with standard_conforming_strings on. Outside the constructs below
// every byte is a token of its own or part of a word; only these decide where statements end:
//
//   space      = " " | \t | \n | \r | \f | \v        (a UTF-8 BOM at offset 0 is skipped)
//   comment    = "--" up to \n or \r
//              | "/*" ... "*/", nested, in any state outside the quotes below
//   string     = [BbXxNn]? "'" { any but "'" | "''" } "'"        (a backslash is literal)
//              | [Uu] "&'" { any but "'" | "''" } "'"
//              | [Ee] "'" { any but "'" or "\" | "''" | "\" any } "'"
//                (the server would continue an E'' string after a newline and another quote;
//                psql reads a file line by line and never does, and neither do we)
//   identifier = '"' { any but '"' | '""' } '"'  |  [Uu] '&"' ... '"'
//   dollar     = "$" tag "$" ... the same "$" tag "$"
//   tag        = "" | [A-Za-z_\x80-\xFF] [A-Za-z0-9_\x80-\xFF]*
//   word       = [A-Za-z_\x80-\xFF] [A-Za-z0-9_$\x80-\xFF]*    (so a$$ is a word, not a quote)
//   number     = digits ["." digits] [exponent] [word chars]  (1e'x' is 1e, then 'x')
//   param      = "$" digits [word chars]                      ($1 is no dollar quote)
//
// ";" ends a statement unless it is inside parentheses, or inside BEGIN ... END of a statement
// that starts CREATE [OR REPLACE] FUNCTION|PROCEDURE (psql's heuristic: CASE also ends with
// END, and only words outside parentheses count). A backslash outside quotes starts a psql
// meta-command, which runs to the end of its line. After "COPY ... FROM STDIN;" the following
// lines are its data, up to a line "\.", as psql reads them.
#include "db/postgres/statement_splitter.hpp"

#include <algorithm>
#include <cstring>

#include "db/postgres/char_classes.hpp"

namespace runner {

PgSplitError::PgSplitError(const std::string& path, int line, const std::string& reason)
    : Error(path + ":" + std::to_string(line) + ": " + reason), line_(line), reason_(reason) {}

PgStatementSplitter::PgStatementSplitter(std::string path) : path_(std::move(path)) {}

void PgStatementSplitter::feed(std::string_view chunk) {
    // Drop what no statement can need any more, once it is most of the buffer.
    std::size_t keep = pos_;
    if (stmt_start_ != kNone) {
        keep = std::min(keep, stmt_start_ - base_);
    }
    if (item_start_ != kNone) {
        keep = std::min(keep, item_start_ - base_);
    }
    if (keep >= 65536 && keep >= buf_.size() / 2) {
        advance_lines(base_ + keep);
        buf_.erase(0, keep);
        base_ += keep;
        pos_ -= keep;
    }
    const std::size_t at = base_ + buf_.size();
    buf_.append(chunk);
    if (nul_ == kNone) {
        const auto* z = static_cast<const char*>(std::memchr(chunk.data(), '\0', chunk.size()));
        if (z != nullptr) {
            nul_ = at + static_cast<std::size_t>(z - chunk.data());
        }
    }
    end_ = nul_ == kNone ? buf_.size() : nul_ - base_;
}

void PgStatementSplitter::finish() {
    eof_ = true;
}

std::optional<PgStatement> PgStatementSplitter::next() {
    while (ready_.empty()) {
        if (done_ || (!eof_ && base_ + buf_.size() < retry_) || !scan()) {
            return std::nullopt;
        }
    }
    PgStatement s = std::move(ready_.front());
    ready_.pop_front();
    return s;
}

bool PgStatementSplitter::scan() {
    switch (state_) {
        case State::kTop:
            return scan_top();
        case State::kLineComment:
            return scan_line_comment();
        case State::kBlockComment:
            return scan_block_comment();
        case State::kQuote:
            return scan_quote();
        case State::kEscapeQuote:
            return scan_escape_quote();
        case State::kIdentQuote:
            return scan_ident_quote();
        case State::kDollarQuote:
            return scan_dollar_quote();
        case State::kMetaCommand:
            return scan_meta_command();
        case State::kCopyPending:
            return scan_copy_pending();
        case State::kCopyData:
            return scan_copy_data();
    }
    return false;
}

bool PgStatementSplitter::ends_here() {
    if (nul_ != kNone) {
        advance_lines(nul_);
        fail(line_, "NUL byte in the script: PostgreSQL cannot receive it");
    }
    return eof_;
}

int PgStatementSplitter::peek(std::size_t i) {
    if (i < size()) {
        return static_cast<unsigned char>(buf_[i]);
    }
    return ends_here() ? kPgEnd : kPgMore;
}

bool PgStatementSplitter::need_more(std::size_t lexeme_start) {
    // Rescanning a long lexeme after every small chunk would be quadratic: wait until the
    // part after its start has doubled.
    retry_ = base_ + size() + std::max<std::size_t>(1, size() - lexeme_start);
    return false;
}

bool PgStatementSplitter::scan_top() {
    if (base_ == 0 && pos_ == 0 && !started_) {
        const int c = peek(2);
        if (c == kPgMore) {
            return need_more(0);
        }
        if (c != kPgEnd && buf_.compare(0, 3, "\xEF\xBB\xBF") == 0) {
            pos_ = 3;
            lines_at_ = 3;  // the BOM is no column
        }
        started_ = true;
    }
    while (ready_.empty()) {
        if (at_end(pos_)) {
            if (!ends_here()) {
                return need_more(pos_);
            }
            if (stmt_start_ != kNone) {
                end_statement(last_token_end_, false);
            }
            done_ = true;
            return true;
        }
        const int c = static_cast<unsigned char>(buf_[pos_]);
        if (pg_is_space(c)) {
            ++pos_;
            continue;
        }
        if (c == '-' || c == '/') {
            const int n = peek(pos_ + 1);
            if (n == kPgMore) {
                return need_more(pos_);
            }
            if (n == (c == '-' ? '-' : '*')) {
                open(c == '-' ? State::kLineComment : State::kBlockComment, pos_, false);
                comment_depth_ = 0;
                pos_ += 2;
                return true;
            }
        }
        switch (c) {
            case '\'':
                open(State::kQuote, pos_, true);
                ++pos_;
                return true;
            case '"':
                open(State::kIdentQuote, pos_, true);
                ++pos_;
                return true;
            case '$':
                return scan_dollar();
            case '(':
                token(pos_, pos_ + 1);
                ++paren_depth_;
                ++pos_;
                continue;
            case ')':
                token(pos_, pos_ + 1);
                paren_depth_ = std::max(0, paren_depth_ - 1);
                ++pos_;
                continue;
            case ';':
                if (stmt_start_ != kNone && paren_depth_ == 0 && begin_depth_ == 0) {
                    end_statement(base_ + pos_ + 1, true);
                } else if (stmt_start_ != kNone) {
                    token(pos_, pos_ + 1);
                }
                ++pos_;
                continue;
            case '\\':
                if (stmt_start_ != kNone) {
                    end_statement(last_token_end_, false);
                }
                open(State::kMetaCommand, pos_, false);
                item_start_ = base_ + pos_;
                return true;
            default:
                break;
        }
        if (pg_is_digit(c)) {
            return scan_number();
        }
        if (pg_is_word_start(c)) {
            return scan_word_or_prefix();
        }
        token(pos_, pos_ + 1);
        ++pos_;
    }
    return true;
}

// A word, or the prefix of a string or quoted identifier: E'', B'', X'', N'', U&'', U&"".
bool PgStatementSplitter::scan_word_or_prefix() {
    const char c = static_cast<char>(buf_[pos_] | 0x20);
    if (c == 'e' || c == 'b' || c == 'x' || c == 'n' || c == 'u') {
        const int n = peek(pos_ + 1);
        if (n == kPgMore) {
            return need_more(pos_);
        }
        if (n == '\'' && c != 'u') {
            open(c == 'e' ? State::kEscapeQuote : State::kQuote, pos_, true);
            pos_ += 2;
            return true;
        }
        if (n == '&' && c == 'u') {
            const int q = peek(pos_ + 2);
            if (q == kPgMore) {
                return need_more(pos_);
            }
            if (q == '\'' || q == '"') {
                open(q == '\'' ? State::kQuote : State::kIdentQuote, pos_, true);
                pos_ += 3;
                return true;
            }
            // psql takes the U alone, and not as a word.
            token(pos_, pos_ + 1);
            ++pos_;
            return true;
        }
    }
    return scan_word(pos_, pos_ + 1, true);
}

// A word from `start` whose characters before `from` are known; counted as one when
// `is_word` (the word-like tails of numbers and parameters are not, as in psql).
bool PgStatementSplitter::scan_word(std::size_t start, std::size_t from, bool is_word) {
    std::size_t j = from;
    while (j < size() && pg_is_word_char(static_cast<unsigned char>(buf_[j]))) {
        ++j;
    }
    if (at_end(j) && !ends_here()) {
        return need_more(start);
    }
    token(start, j, is_word);
    if (is_word) {
        note_word(std::string_view(buf_).substr(start, j - start));
    }
    pos_ = j;
    return true;
}

// digits ["." digits] [exponent], and any word characters glued to it (psql's *_junk rules).
bool PgStatementSplitter::scan_number() {
    const std::size_t start = pos_;
    std::size_t j = pos_;
    bool more = false;
    const auto digits = [&] {
        while (true) {
            const int c = peek(j);
            if (pg_is_digit(c)) {
                ++j;
                continue;
            }
            const int d = c == '_' ? peek(j + 1) : kPgEnd;
            more = more || c == kPgMore || d == kPgMore;
            if (c == '_' && pg_is_digit(d)) {
                j += 2;
                continue;
            }
            return;
        }
    };
    digits();
    int c = more ? kPgMore : peek(j);
    if (c == '.') {
        const int d = peek(j + 1);
        if (d == kPgMore) {
            return need_more(start);
        }
        if (d != '.') {
            ++j;
            if (pg_is_digit(d)) {
                digits();
            }
        }
        c = more ? kPgMore : peek(j);
    }
    if (c == 'e' || c == 'E') {
        const int s = peek(j + 1);
        const int d = (s == '+' || s == '-') ? peek(j + 2) : s;
        if (s == kPgMore || d == kPgMore) {
            return need_more(start);
        }
        if (pg_is_digit(d)) {
            j += (s == d) ? 1 : 2;
            digits();
        }
        c = more ? kPgMore : peek(j);
    }
    if (c == kPgMore) {
        return need_more(start);
    }
    if (pg_is_word_start(c)) {
        return scan_word(start, j + 1, false);
    }
    token(start, j);
    pos_ = j;
    return true;
}

// "$tag$" opens a dollar quote, "$1" is a parameter; anything else is a lone "$".
bool PgStatementSplitter::scan_dollar() {
    const std::size_t start = pos_;
    std::size_t j = pos_ + 1;
    int c = peek(j);
    if (pg_is_word_start(c)) {
        while (pg_is_tag_char(c = peek(++j))) {
        }
    } else if (pg_is_digit(c)) {
        while (pg_is_digit(c = peek(++j))) {
        }
        if (c == kPgMore) {
            return need_more(start);
        }
        if (pg_is_word_start(c)) {
            return scan_word(start, j + 1, false);
        }
        token(start, j);
        pos_ = j;
        return true;
    }
    if (c == kPgMore) {
        return need_more(start);
    }
    if (c == '$') {
        open(State::kDollarQuote, start, true);
        dollar_tag_.assign(buf_, start, j + 1 - start);
        pos_ = j + 1;
        return true;
    }
    token(start, start + 1);
    pos_ = start + 1;
    return true;
}

void PgStatementSplitter::open(State state, std::size_t start, bool is_token) {
    if (is_token) {
        token(start, start + 1);
    }
    advance_lines(base_ + start);
    construct_line_ = line_;
    state_ = state;
    if (!is_token && (state == State::kMetaCommand || state == State::kCopyData)) {
        stmt_line_ = line_;
        stmt_column_ = column_ + 1;
    }
}

void PgStatementSplitter::token(std::size_t start, std::size_t end, bool word) {
    if (stmt_start_ == kNone) {
        stmt_start_ = base_ + start;
        advance_lines(stmt_start_);
        stmt_line_ = line_;
        stmt_column_ = column_ + 1;
    }
    last_token_end_ = base_ + end;
    ++token_count_;
    if (!word) {
        previous_word_ = {};
    }
}

// COPY ... FROM STDIN / TO STDOUT, and psql's heuristic for BEGIN ... END function bodies.
void PgStatementSplitter::note_word(std::string_view word) {
    if (token_count_ == 1) {
        copy_ = pg_is_keyword(word, "copy");
    } else if (copy_ && paren_depth_ == 0) {
        if (previous_word_ == "from" && pg_is_keyword(word, "stdin")) {
            kind_ = PgStatementKind::kCopyFromStdin;
        } else if (previous_word_ == "to" && pg_is_keyword(word, "stdout")) {
            kind_ = PgStatementKind::kCopyToStdout;
        }
    }
    previous_word_ = pg_is_keyword(word, "from") ? "from" : pg_is_keyword(word, "to") ? "to" : "";

    if (word_count_ < 4 && (pg_is_keyword(word, "create") || pg_is_keyword(word, "function") ||
                            pg_is_keyword(word, "procedure") || pg_is_keyword(word, "or") ||
                            pg_is_keyword(word, "replace"))) {
        first_words_[word_count_] = static_cast<char>(word[0] | 0x20);
    }
    ++word_count_;
    const char* w = first_words_;
    const bool routine =
        w[0] == 'c' && (w[1] == 'f' || w[1] == 'p' ||
                        (w[1] == 'o' && w[2] == 'r' && (w[3] == 'f' || w[3] == 'p')));
    if (!routine || paren_depth_ != 0) {
        return;
    }
    if (pg_is_keyword(word, "begin")) {
        ++begin_depth_;
    } else if (pg_is_keyword(word, "case") && begin_depth_ >= 1) {
        ++begin_depth_;
    } else if (pg_is_keyword(word, "end") && begin_depth_ > 0) {
        --begin_depth_;
    }
}

void PgStatementSplitter::end_statement(std::size_t end, bool terminated) {
    const bool copy_in = terminated && kind_ == PgStatementKind::kCopyFromStdin;
    emit(kind_, stmt_start_, end, terminated);
    stmt_start_ = kNone;
    paren_depth_ = 0;
    begin_depth_ = 0;
    word_count_ = 0;
    std::fill(std::begin(first_words_), std::end(first_words_), '\0');
    token_count_ = 0;
    copy_ = false;
    previous_word_ = {};
    kind_ = PgStatementKind::kSql;
    if (copy_in) {
        state_ = State::kCopyPending;
    }
}

void PgStatementSplitter::emit(PgStatementKind kind, std::size_t start, std::size_t end,
                               bool terminated) {
    PgStatement s;
    s.text.assign(buf_, start - base_, end - start);
    s.offset = start;
    s.line = stmt_line_;
    s.column = stmt_column_;
    s.terminated = terminated;
    s.kind = kind;
    ready_.push_back(std::move(s));
}

void PgStatementSplitter::advance_lines(std::size_t abs) {
    for (std::size_t i = lines_at_ - base_; i < abs - base_; ++i) {
        const char c = buf_[i];
        if (c == '\r' || (c == '\n' && !after_cr_)) {
            ++line_;
        }
        if (c == '\r' || c == '\n') {
            column_ = 0;
        } else if (!pg_is_continuation_byte(c)) {
            ++column_;
        }
        after_cr_ = c == '\r';
    }
    lines_at_ = std::max(lines_at_, abs);
}

void PgStatementSplitter::fail(int line, const std::string& reason) {
    done_ = true;
    throw PgSplitError(path_, line, reason);
}

std::vector<PgStatement> split_pg_statements(std::string_view script, const std::string& path) {
    PgStatementSplitter splitter(path);
    splitter.feed(script);
    splitter.finish();
    std::vector<PgStatement> statements;
    while (auto s = splitter.next()) {
        statements.push_back(std::move(*s));
    }
    return statements;
}

std::optional<PgTextLocation> pg_error_location(const PgStatement& statement, int position) {
    if (position < 1) {
        return std::nullopt;
    }
    PgTextLocation at{statement.line, statement.column};
    bool after_cr = false;
    int characters = 0;
    for (const char c : statement.text) {
        if (pg_is_continuation_byte(c)) {
            after_cr = false;  // CR, a stray byte, LF: two line ends, as an editor shows them
            continue;
        }
        if (++characters == position) {
            return at;
        }
        if (c == '\r' || (c == '\n' && !after_cr)) {
            ++at.line;
        }
        at.column = (c == '\r' || c == '\n') ? 1 : at.column + 1;
        after_cr = c == '\r';
    }
    if (position == characters + 1) {
        return at;
    }
    return std::nullopt;
}

}  // namespace runner
