// Whether SQL text ends inside a /* comment, followed chunk by chunk.
#include "util/sql_comments.hpp"

namespace runner {

void CommentTracker::feed(std::string_view chunk) {
    for (const char c : chunk) {
        const char prev = prev_;
        prev_ = 0;
        switch (state_) {
            case State::kCode:
                if (prev == '/' && c == '*') {
                    state_ = State::kBlockComment;
                    comment_line_ = line_;
                } else if (prev == '-' && c == '-') {
                    state_ = State::kLineComment;
                } else if (c == '\'') {
                    state_ = State::kSingle;
                } else if (c == '"') {
                    state_ = State::kDouble;
                } else if (c == '`') {
                    state_ = State::kBacktick;
                } else if (c == '[') {
                    state_ = State::kBracket;
                } else if (c == '/' || c == '-') {
                    prev_ = c;
                }
                break;
            case State::kSingle:
                state_ = c == '\'' ? State::kCode : state_;
                break;
            case State::kDouble:
                state_ = c == '"' ? State::kCode : state_;
                break;
            case State::kBacktick:
                state_ = c == '`' ? State::kCode : state_;
                break;
            case State::kBracket:
                state_ = c == ']' ? State::kCode : state_;
                break;
            case State::kLineComment:
                state_ = c == '\n' ? State::kCode : state_;
                break;
            case State::kBlockComment:
                if (prev == '*' && c == '/') {
                    state_ = State::kCode;
                } else if (c == '*') {
                    prev_ = c;
                }
                break;
        }
        if (c == '\n') {
            ++line_;
        }
    }
}

int open_comment_line(std::string_view text) {
    CommentTracker tracker;
    tracker.feed(text);
    return tracker.open_comment_line();
}

}  // namespace runner

namespace runner {

std::string open_comment_message(const std::string& path, int line) {
    return path + ":" + std::to_string(line) +
           ": the file ends inside the /* comment opened here (no */ closes it); SQLite would "
           "silently ignore everything after it, and in an offline script the migrations that "
           "follow too. Close the comment";
}

}  // namespace runner
