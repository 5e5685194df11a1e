// Whether SQL text ends inside a /* comment, followed chunk by chunk as SQLite's tokenizer
// reads it: quoted text ('...', "...", `...`, [...]) and -- comments hide a "/*".
#pragma once

#include <string>
#include <string_view>

namespace runner {

class CommentTracker {
  public:
    void feed(std::string_view chunk);
    // The 1-based line where a /* comment that is still open began, or 0.
    int open_comment_line() const { return state_ == State::kBlockComment ? comment_line_ : 0; }

  private:
    enum class State { kCode, kSingle, kDouble, kBacktick, kBracket, kLineComment, kBlockComment };
    State state_ = State::kCode;
    char prev_ = 0;  // the previous character, when it may start or end a two-character token
    int line_ = 1;
    int comment_line_ = 0;
};

// CommentTracker over the whole of `text`.
int open_comment_line(std::string_view text);

}  // namespace runner

namespace runner {

// "PATH:LINE: the file ends inside the /* comment opened here ...": why such a file is refused.
std::string open_comment_message(const std::string& path, int line);

}  // namespace runner
