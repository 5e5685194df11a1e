// Character classes of PostgreSQL's lexer, shared by the parts of the statement splitter.
#pragma once

#include <string_view>

namespace runner {

inline constexpr int kPgEnd = -1;   // peek: the script ends before this byte
inline constexpr int kPgMore = -2;  // peek: this byte has not been fed yet

inline bool pg_is_space(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
inline bool pg_is_horizontal_space(int c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}
inline bool pg_is_digit(int c) {
    return c >= '0' && c <= '9';
}
inline bool pg_is_word_start(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}
inline bool pg_is_tag_char(int c) {
    return pg_is_word_start(c) || pg_is_digit(c);
}
inline bool pg_is_word_char(int c) {
    return pg_is_tag_char(c) || c == '$';
}

// Case-insensitive comparison with a lower-case ASCII keyword.
inline bool pg_is_keyword(std::string_view word, std::string_view keyword) {
    if (word.size() != keyword.size()) {
        return false;
    }
    for (std::size_t i = 0; i < word.size(); ++i) {
        const char c = word[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != keyword[i]) {
            return false;
        }
    }
    return true;
}

inline bool pg_is_continuation_byte(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace runner
