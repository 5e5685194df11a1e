// See pg_touch.hpp. A small tokenizer over one complete statement: the splitter has already
// checked that its quotes and comments are closed.
#include "db/postgres/pg_touch.hpp"

#include <algorithm>
#include <cctype>

namespace runner {

namespace {

struct Token {
    std::string text;     // a word folded to lower case, a quoted identifier as written, or a
                          // punctuation character
    bool quoted = false;  // a "quoted identifier"
    bool word = false;    // an identifier or key word (quoted or not)
};

bool word_start(unsigned char c) {
    return std::isalpha(c) || c == '_' || c >= 0x80;
}
bool word_char(unsigned char c) {
    return word_start(c) || std::isdigit(c) || c == '$';
}

// The tokens of `s`, the first `limit` of them.
std::vector<Token> tokens_of(std::string_view s, std::size_t limit = std::string_view::npos) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < s.size() && out.size() < limit) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (std::isspace(c)) {
            ++i;
        } else if (s.substr(i, 2) == "--") {
            i = std::min(s.find('\n', i), s.size());
        } else if (s.substr(i, 2) == "/*") {
            int depth = 0;
            while (i < s.size()) {
                if (s.substr(i, 2) == "/*") {
                    ++depth;
                    i += 2;
                } else if (s.substr(i, 2) == "*/") {
                    i += 2;
                    if (--depth == 0) {
                        break;
                    }
                } else {
                    ++i;
                }
            }
        } else if (c == '\'' || ((c == 'e' || c == 'E') && i + 1 < s.size() && s[i + 1] == '\'')) {
            const bool escapes = c != '\'';
            i += escapes ? 2 : 1;
            while (i < s.size()) {
                if (escapes && s[i] == '\\') {
                    i += 2;
                } else if (s[i] == '\'') {
                    if (i + 1 < s.size() && s[i + 1] == '\'') {
                        i += 2;
                    } else {
                        ++i;
                        break;
                    }
                } else {
                    ++i;
                }
            }
        } else if (c == '"') {
            std::string name;
            for (++i; i < s.size(); ++i) {
                if (s[i] == '"') {
                    if (i + 1 < s.size() && s[i + 1] == '"') {
                        name += '"';
                        ++i;
                        continue;
                    }
                    ++i;
                    break;
                }
                name += s[i];
            }
            out.push_back({name, true, true});
        } else if (c == '$') {
            // $tag$ ... $tag$ (or $$ ... $$); $1 is a parameter
            std::size_t k = i + 1;
            while (k < s.size() && word_char(static_cast<unsigned char>(s[k])) && s[k] != '$') {
                ++k;
            }
            if (k < s.size() && s[k] == '$' &&
                (k == i + 1 || !std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
                const std::string tag(s.substr(i, k + 1 - i));
                const auto close = s.find(tag, k + 1);
                i = close == std::string_view::npos ? s.size() : close + tag.size();
            } else {
                i = k;
            }
        } else if (word_start(c)) {
            std::string word;
            while (i < s.size() && word_char(static_cast<unsigned char>(s[i]))) {
                word += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
                ++i;
            }
            out.push_back({word, false, true});
        } else if (std::isdigit(c)) {
            while (i < s.size() &&
                   (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.')) {
                ++i;
            }
        } else {
            out.push_back({std::string(1, static_cast<char>(c)), false, false});
            ++i;
        }
    }
    return out;
}

class Reader {
  public:
    explicit Reader(std::vector<Token> tokens) : t_(std::move(tokens)) {}
    // Consumes `word` (a key word) when it is next.
    bool accept(std::string_view word) {
        if (i_ < t_.size() && !t_[i_].quoted && t_[i_].text == word) {
            ++i_;
            return true;
        }
        return false;
    }
    void skip_any(std::initializer_list<std::string_view> words) {
        while (std::any_of(words.begin(), words.end(), [&](auto w) { return accept(w); })) {
        }
    }
    // A possibly qualified name: its last part; empty when none is next.
    std::string name() {
        std::string last;
        while (i_ < t_.size() && t_[i_].word) {
            last = t_[i_++].text;
            if (i_ < t_.size() && t_[i_].text == "." && !t_[i_].word) {
                ++i_;
                continue;
            }
            break;
        }
        return last;
    }
    // The next token: an identifier or key word (quoted or not); nullptr when there is none.
    const Token* word() { return i_ < t_.size() && t_[i_].word ? &t_[i_++] : nullptr; }
    // Consumes the punctuation character `c` when it is next.
    bool punct(char c) {
        if (i_ < t_.size() && !t_[i_].word && t_[i_].text.size() == 1 && t_[i_].text[0] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    // Whether the next token is the key word `word` (not consumed).
    bool next_is(std::string_view word) const {
        return i_ < t_.size() && !t_[i_].quoted && t_[i_].text == word;
    }
    // Moves past the next `word` key word; false when there is none.
    bool seek(std::string_view word) {
        while (i_ < t_.size()) {
            if (accept(word)) {
                return true;
            }
            ++i_;
        }
        return false;
    }

  private:
    std::vector<Token> t_;
    std::size_t i_ = 0;
};

void add(std::vector<std::string>& to, std::string name) {
    if (!name.empty() && std::find(to.begin(), to.end(), name) == to.end()) {
        to.push_back(std::move(name));
    }
}

}  // namespace

PgTouch pg_statement_touch(std::string_view statement) {
    PgTouch touch;
    Reader r(tokens_of(statement));
    if (r.accept("insert")) {
        r.accept("into");
        add(touch.written, r.name());
    } else if (r.accept("update")) {
        r.accept("only");
        add(touch.written, r.name());
    } else if (r.accept("delete")) {
        r.accept("from");
        r.accept("only");
        add(touch.written, r.name());
    } else if (r.accept("truncate")) {
        r.accept("table");
        r.accept("only");
        add(touch.written, r.name());
    } else if (r.accept("merge")) {
        r.accept("into");
        r.accept("only");
        add(touch.written, r.name());
    } else if (r.accept("copy")) {
        add(touch.written, r.name());
    } else if (r.accept("create")) {
        r.skip_any({"or", "replace", "global", "local", "temporary", "temp", "unlogged", "unique"});
        if (r.accept("table")) {
            r.skip_any({"if", "not", "exists"});
            add(touch.changed, r.name());
        } else if (r.accept("index")) {
            if (r.seek("on")) {
                r.accept("only");
                add(touch.changed, r.name());
            }
        } else if (r.accept("trigger") || r.accept("rule") || r.accept("policy")) {
            if (r.seek("on")) {
                add(touch.changed, r.name());
            }
        }
    } else if (r.accept("alter") || r.accept("drop")) {
        if (r.accept("table")) {
            r.skip_any({"if", "exists", "only"});
            add(touch.changed, r.name());
        }
    }
    return touch;
}

std::optional<PgConcurrentIndex> pg_concurrent_index(std::string_view statement) {
    Reader r(tokens_of(statement));
    if (!r.accept("create")) {
        return std::nullopt;
    }
    r.accept("unique");
    if (!r.accept("index") || !r.accept("concurrently")) {
        return std::nullopt;
    }
    if (r.accept("if")) {
        if (!r.accept("not") || !r.accept("exists")) {
            return std::nullopt;
        }
    }
    if (r.next_is("on")) {
        return std::nullopt;  // no name: the server makes one up
    }
    const Token* name = r.word();
    if (name == nullptr || !r.accept("on")) {
        return std::nullopt;
    }
    r.accept("only");
    PgConcurrentIndex out{name->text, {}, {}};
    const Token* part = r.word();
    if (part == nullptr) {
        return std::nullopt;
    }
    out.table = part->text;
    if (r.punct('.')) {
        part = r.word();
        if (part == nullptr) {
            return std::nullopt;
        }
        out.table_schema = out.table;
        out.table = part->text;
        if (r.punct('.')) {  // database.schema.table
            part = r.word();
            if (part == nullptr) {
                return std::nullopt;
            }
            out.table_schema = out.table;
            out.table = part->text;
        }
    }
    return out;
}

bool pg_may_change_session(std::string_view statement) {
    // Runs before every statement of a migration: the first two words decide, and the whole
    // statement is tokenized only when its text holds "set_config" at all.
    auto tokens = tokens_of(statement, 2);
    const auto is = [&](std::size_t i, std::string_view word) {
        return i < tokens.size() && tokens[i].word && !tokens[i].quoted && tokens[i].text == word;
    };
    if (is(0, "set")) {
        return !is(1, "local") && !is(1, "transaction") && !is(1, "constraints");
    }
    for (const char* word : {"reset", "discard", "load", "do", "call"}) {
        if (is(0, word)) {
            return true;
        }
    }
    constexpr std::string_view kSetConfig = "set_config";
    const auto found = std::search(
        statement.begin(), statement.end(), kSetConfig.begin(), kSetConfig.end(),
        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    if (found == statement.end()) {
        return false;
    }
    tokens = tokens_of(statement);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (is(i, "set_config")) {
            return true;
        }
    }
    return false;
}

std::string pg_names_protected_table(std::string_view statement,
                                     const std::vector<std::string>& tables) {
    const auto tokens = tokens_of(statement);
    if (!tokens.empty() && !tokens[0].quoted && tokens[0].text == "select") {
        return {};
    }
    for (const auto& token : tokens) {
        if (!token.word) {
            continue;
        }
        for (const auto& table : tables) {
            std::string folded = table;
            std::transform(folded.begin(), folded.end(), folded.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (token.quoted ? token.text == table
                             : (token.text == table || token.text == folded)) {
                return table;
            }
        }
    }
    return {};
}

}  // namespace runner
