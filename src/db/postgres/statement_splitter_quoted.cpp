// The statement splitter's scanners for constructs that run to a closing delimiter: comments,
// quoted strings and identifiers, dollar quotes, psql meta-commands and COPY data.
#include <cstring>
#include <string>
#include <string_view>

#include "db/postgres/char_classes.hpp"
#include "db/postgres/statement_splitter.hpp"

namespace runner {

bool PgStatementSplitter::scan_line_comment() {
    std::size_t j = pos_;
    while (j < size() && buf_[j] != '\n' && buf_[j] != '\r') {
        ++j;
    }
    pos_ = j;
    if (at_end(j) && !ends_here()) {
        return need_more(pos_);
    }
    state_ = State::kTop;
    return true;
}

bool PgStatementSplitter::scan_block_comment() {
    while (true) {
        std::size_t j = pos_;
        while (j < size() && buf_[j] != '/' && buf_[j] != '*') {
            ++j;
        }
        pos_ = j;
        const int n = peek(j + (at_end(j) ? 0 : 1));
        if (n == kPgMore) {
            return need_more(pos_);
        }
        if (at_end(j)) {
            fail(construct_line_, "unterminated /* comment");
        }
        if (buf_[j] == '/' && n == '*') {
            ++comment_depth_;
            pos_ = j + 2;
        } else if (buf_[j] == '*' && n == '/') {
            pos_ = j + 2;
            if (comment_depth_-- == 0) {
                state_ = State::kTop;
                return true;
            }
        } else {
            pos_ = j + 1;
        }
    }
}

// '' and "" strings: `quote` doubled is one character; `escapes` makes a backslash escape one.
bool PgStatementSplitter::scan_quoted(char quote, bool escapes, const char* what) {
    while (true) {
        std::size_t j = pos_;
        while (j < size() && buf_[j] != quote && !(escapes && buf_[j] == '\\')) {
            ++j;
        }
        pos_ = j;
        const int n = peek(j + (at_end(j) ? 0 : 1));
        if (n == kPgMore) {
            return need_more(pos_);
        }
        if (at_end(j) || (buf_[j] == '\\' && n == kPgEnd)) {
            fail(construct_line_, std::string("unterminated ") + what);
        }
        if (buf_[j] == '\\' || n == quote) {
            pos_ = j + 2;
            continue;
        }
        pos_ = j + 1;
        last_token_end_ = base_ + pos_;
        state_ = State::kTop;
        return true;
    }
}

bool PgStatementSplitter::scan_quote() {
    return scan_quoted('\'', false, "quoted string");
}
bool PgStatementSplitter::scan_escape_quote() {
    return scan_quoted('\'', true, "quoted string");
}
bool PgStatementSplitter::scan_ident_quote() {
    return scan_quoted('"', false, "quoted identifier");
}

// Looks for the closing tag as psql does: each "$...$" is compared with it, and on a mismatch
// its last "$" may open the tag.
bool PgStatementSplitter::scan_dollar_quote() {
    while (true) {
        const void* found = std::memchr(buf_.data() + pos_, '$', size() - pos_);
        if (found == nullptr) {
            pos_ = size();
            if (ends_here()) {
                fail(construct_line_,
                     "unterminated dollar-quoted string: no closing " + dollar_tag_);
            }
            return need_more(pos_);
        }
        const std::size_t start =
            static_cast<std::size_t>(static_cast<const char*>(found) - buf_.data());
        std::size_t j = start + 1;
        int c = peek(j);
        if (pg_is_word_start(c)) {
            while (pg_is_tag_char(c = peek(++j))) {
            }
        }
        if (c == kPgMore) {
            pos_ = start;
            return need_more(pos_);
        }
        if (c != '$') {
            pos_ = j;
            continue;
        }
        if (std::string_view(buf_).substr(start, j + 1 - start) == dollar_tag_) {
            pos_ = j + 1;
            last_token_end_ = base_ + pos_;
            state_ = State::kTop;
            return true;
        }
        pos_ = j;
    }
}

bool PgStatementSplitter::scan_meta_command() {
    std::size_t j = pos_;
    while (j < size() && buf_[j] != '\n' && buf_[j] != '\r') {
        ++j;
    }
    pos_ = j;
    if (at_end(j) && !ends_here()) {
        return need_more(pos_);
    }
    emit(PgStatementKind::kMetaCommand, item_start_, base_ + j, false);
    item_start_ = kNone;
    state_ = State::kTop;
    return true;
}

// The rest of the COPY line: blanks and a comment; the data starts on the next line (or at
// anything else).
bool PgStatementSplitter::scan_copy_pending() {
    while (true) {
        const int c = peek(pos_);
        const int n = c == '-' || c == '\r' ? peek(pos_ + 1) : kPgEnd;
        if (c == kPgMore || n == kPgMore) {
            return need_more(pos_);
        }
        if (c == kPgEnd) {
            state_ = State::kTop;
            return true;
        }
        if (pg_is_horizontal_space(c)) {
            ++pos_;
            continue;
        }
        if (c == '-' && n == '-') {
            std::size_t k = pos_ + 2;
            int e = 0;
            while ((e = peek(k)) >= 0 && e != '\n' && e != '\r') {
                ++k;
            }
            if (e == kPgMore) {
                return need_more(pos_);
            }
            pos_ = k;
            continue;
        }
        if (c == '\n' || c == '\r') {
            pos_ += (c == '\r' && n == '\n') ? 2 : 1;
        }
        open(State::kCopyData, pos_, false);
        item_start_ = base_ + pos_;
        return true;
    }
}

// Data lines, up to and including a line that is "\." (psql's end-of-data marker).
bool PgStatementSplitter::scan_copy_data() {
    while (true) {
        const auto rest = std::string_view(buf_).substr(pos_, size() - pos_);
        const std::size_t newline = rest.find('\n');
        const bool last = newline == std::string_view::npos;
        if (last && !ends_here()) {
            return need_more(pos_);
        }
        auto line = rest.substr(0, newline);
        if (!last && !line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line == "\\." || last) {
            const std::size_t end = base_ + pos_ + (last ? rest.size() : line.size());
            if (end > item_start_) {
                emit(PgStatementKind::kCopyData, item_start_, end, false);
            }
            pos_ = end - base_;
            item_start_ = kNone;
            state_ = State::kTop;
            return true;
        }
        pos_ += newline + 1;
    }
}

}  // namespace runner
