// SHA-256 (FIPS 180-4) and the normalised migration checksum built on it.
#include "util/checksum.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace runner {
namespace {

constexpr std::array<std::uint32_t, 64> kRound = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}

class Sha256 {
  public:
    void update(std::string_view data) {
        length_ += data.size();
        const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
        std::size_t n = data.size();
        if (used_ > 0) {
            const std::size_t take = std::min(n, block_.size() - used_);
            std::memcpy(block_.data() + used_, p, take);
            used_ += take;
            p += take;
            n -= take;
            if (used_ < block_.size()) {
                return;
            }
            compress(block_.data());
            used_ = 0;
        }
        for (; n >= 64; p += 64, n -= 64) {
            compress(p);  // whole blocks straight from the input
        }
        std::memcpy(block_.data(), p, n);
        used_ = n;
    }

    std::string hex() {
        const std::uint64_t bits = length_ * 8;
        block_[used_++] = 0x80;
        if (used_ > 56) {
            std::fill(block_.begin() + static_cast<std::ptrdiff_t>(used_), block_.end(), 0);
            compress(block_.data());
            used_ = 0;
        }
        std::fill(block_.begin() + static_cast<std::ptrdiff_t>(used_), block_.begin() + 56, 0);
        for (int i = 0; i < 8; ++i) {
            block_[56 + i] = static_cast<std::uint8_t>(bits >> ((7 - i) * 8));
        }
        compress(block_.data());
        static constexpr char kHex[] = "0123456789abcdef";
        std::string out;
        for (const std::uint32_t word : state_) {
            for (int i = 7; i >= 0; --i) {
                out += kHex[(word >> (i * 4)) & 0xf];
            }
        }
        return out;
    }

  private:
    void compress(const std::uint8_t* block) {
        std::array<std::uint32_t, 64> w{};
        for (int i = 0; i < 16; ++i) {
            w[i] = (std::uint32_t{block[i * 4]} << 24) | (std::uint32_t{block[i * 4 + 1]} << 16) |
                   (std::uint32_t{block[i * 4 + 2]} << 8) | std::uint32_t{block[i * 4 + 3]};
        }
        for (int i = 16; i < 64; ++i) {
            const auto s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const auto s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        auto [a, b, c, d, e, f, g, h] = state_;
        for (int i = 0; i < 64; ++i) {
            const auto s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            const auto ch = (e & f) ^ (~e & g);
            const auto t1 = h + s1 + ch + kRound[i] + w[i];
            const auto s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            const auto maj = (a & b) ^ (a & c) ^ (b & c);
            const auto t2 = s0 + maj;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        const std::array<std::uint32_t, 8> add = {a, b, c, d, e, f, g, h};
        for (int i = 0; i < 8; ++i) {
            state_[i] += add[i];
        }
    }

    std::array<std::uint32_t, 8> state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                           0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::array<std::uint8_t, 64> block_{};
    std::size_t used_ = 0;
    std::uint64_t length_ = 0;
};

}  // namespace

std::string sha256_hex(std::string_view data) {
    Sha256 sha;
    sha.update(data);
    return sha.hex();
}

namespace {

// The SQL form: a state machine over bytes that emits what SQLite tokenises (comments dropped,
// separators collapsed) into a small buffer hashed in blocks.
class SqlNormaliser {
  public:
    explicit SqlNormaliser(Sha256& sha) : sha_(sha) {}

    void update(std::string_view in) {
        std::size_t i = 0;
        const std::size_t n = in.size();
        while (i < n) {
            const char c = in[i];
            switch (mode_) {
                case Mode::kCode:
                    if (pending_ != 0) {
                        const char p = pending_;
                        pending_ = 0;
                        if (c == (p == '-' ? '-' : '*')) {
                            mode_ = p == '-' ? Mode::kLineComment : Mode::kBlockComment;
                            star_ = false;
                            separator_ = true;
                            ++i;
                            continue;
                        }
                        emit_code(p);
                    }
                    if (is_space(c)) {
                        separator_ = true;
                        ++i;
                    } else if (c == '-' || c == '/') {
                        pending_ = c;
                        ++i;
                    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
                        emit_code(c);
                        closer_ = c == '[' ? ']' : c;
                        mode_ = Mode::kQuoted;
                        ++i;
                    } else {
                        // A run of ordinary characters at once.
                        std::size_t j = i + 1;
                        while (j < n && is_plain(in[j])) {
                            ++j;
                        }
                        emit_code(in[i]);
                        emit(in.substr(i + 1, j - i - 1));
                        last_ = in[j - 1];
                        i = j;
                    }
                    break;
                case Mode::kLineComment: {
                    const auto nl = in.find('\n', i);
                    if (nl == std::string_view::npos) {
                        i = n;
                    } else {
                        mode_ = Mode::kCode;
                        i = nl + 1;
                    }
                    break;
                }
                case Mode::kBlockComment:
                    if (star_ && c == '/') {
                        mode_ = Mode::kCode;
                    }
                    star_ = c == '*';
                    ++i;
                    break;
                case Mode::kQuoted: {
                    if (crs_ > 0) {
                        if (c == '\r') {
                            ++crs_;
                            ++i;
                            break;
                        }
                        // CRs that end a line are its line ending (so "\r\r\n" reads as
                        // its CRLF -> LF conversion "\r\n" does); other CRs are data.
                        if (c != '\n') {
                            emit(std::string(crs_, '\r'));
                        }
                        crs_ = 0;
                    }
                    std::size_t j = i;
                    while (j < n && in[j] != closer_ && in[j] != '\r') {
                        ++j;
                    }
                    emit(in.substr(i, j - i));
                    if (j < n && in[j] == '\r') {
                        crs_ = 1;
                    } else if (j < n) {
                        emit(in.substr(j, 1));
                        last_ = closer_;
                        mode_ = Mode::kCode;
                    }
                    i = j + 1;
                    break;
                }
            }
        }
    }

    void finish() {
        if (mode_ == Mode::kCode && pending_ != 0) {
            emit_code(pending_);
        }
        if (mode_ == Mode::kQuoted && crs_ > 0) {
            emit(std::string(crs_, '\r'));
        }
        sha_.update(std::string_view(out_.data(), used_));
        used_ = 0;
    }

  private:
    enum class Mode { kCode, kLineComment, kBlockComment, kQuoted };

    static bool is_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    }
    static bool is_plain(char c) {
        return !is_space(c) && c != '-' && c != '/' && c != '\'' && c != '"' && c != '`' &&
               c != '[';
    }
    // Characters that never join their neighbour into another token.
    static bool is_structural(char c) { return c == '(' || c == ')' || c == ',' || c == ';'; }

    void emit_code(char c) {
        if (separator_ && last_ != 0 && !is_structural(last_) && !is_structural(c)) {
            emit(" ");
        }
        separator_ = false;
        emit(std::string_view(&c, 1));
        last_ = c;
    }

    void emit(std::string_view s) {
        separator_ = false;
        if (used_ + s.size() > out_.size()) {
            sha_.update(std::string_view(out_.data(), used_));
            used_ = 0;
            if (s.size() >= out_.size()) {
                sha_.update(s);
                return;
            }
        }
        std::memcpy(out_.data() + used_, s.data(), s.size());
        used_ += s.size();
    }

    Sha256& sha_;
    Mode mode_ = Mode::kCode;
    char pending_ = 0;  // a '-' or '/' that may start a comment
    char closer_ = 0;   // what ends the current literal or quoted identifier
    char last_ = 0;     // the last character emitted outside literals (0: none yet)
    bool separator_ = false;
    bool star_ = false;    // the previous character in a block comment was '*'
    std::size_t crs_ = 0;  // CRs inside a literal, kept unless LF follows
    std::array<char, 4096> out_{};
    std::size_t used_ = 0;
};

}  // namespace

// Normalisation as a character-at-a-time state machine: a line's trailing blanks are held back
// until something else follows on that line, and empty lines until a non-empty one follows.
struct ChecksumStream::State {
    explicit State(Form f) : form(f), sql(sha) {}
    Form form;
    Sha256 sha;
    SqlNormaliser sql;
    std::size_t bom_seen = 0;    // bytes of a leading UTF-8 BOM matched so far
    bool started = false;        // past the possible BOM
    bool first_line = true;      // no non-empty line emitted yet
    bool line_has_text = false;  // the current line has a non-blank character
    bool after_cr = false;       // the previous character was a CR (CRLF counts once)
    std::size_t pending_newlines = 0;
    std::string pending_blanks;  // blanks since the last emitted character of this line

    void update_lines(std::string_view piece, std::size_t i);
};

ChecksumStream::ChecksumStream(Form form) : state_(new State(form)) {}
ChecksumStream::~ChecksumStream() {
    delete state_;
}

void ChecksumStream::update(std::string_view piece) {
    State& st = *state_;
    static constexpr char kBom[] = "\xEF\xBB\xBF";
    std::size_t i = 0;
    while (!st.started && i < piece.size()) {
        if (piece[i] == kBom[st.bom_seen]) {
            ++i;
            if (++st.bom_seen == 3) {
                st.started = true;
            }
            continue;
        }
        st.started = true;
        // A partial BOM was text after all.
        const std::size_t partial = st.bom_seen;
        st.bom_seen = 0;
        update(std::string_view(kBom, partial));
    }
    if (st.form == Form::kSql) {
        st.sql.update(piece.substr(i));
    } else {
        st.update_lines(piece, i);
    }
}

void ChecksumStream::State::update_lines(std::string_view piece, std::size_t i) {
    State& st = *this;
    while (i < piece.size()) {
        const char c = piece[i];
        if (c == '\n' && st.after_cr) {
            st.after_cr = false;
            ++i;
            continue;
        }
        st.after_cr = c == '\r';
        if (c == '\n' || c == '\r') {
            if (!st.line_has_text) {
                ++st.pending_newlines;
            }
            st.line_has_text = false;
            st.pending_blanks.clear();
            ++i;
            continue;
        }
        if (c == ' ' || c == '\t') {
            st.pending_blanks += c;
            ++i;
            continue;
        }
        if (!st.line_has_text) {
            std::size_t newlines = st.pending_newlines + (st.first_line ? 0 : 1);
            for (; newlines > 0; --newlines) {
                st.sha.update("\n");
            }
            st.pending_newlines = 0;
            st.first_line = false;
            st.line_has_text = true;
        }
        if (!st.pending_blanks.empty()) {
            st.sha.update(st.pending_blanks);
            st.pending_blanks.clear();
        }
        // Hash the whole run up to the next blank or line end at once.
        std::size_t j = i + 1;
        while (j < piece.size() && piece[j] != ' ' && piece[j] != '\t' && piece[j] != '\n' &&
               piece[j] != '\r') {
            ++j;
        }
        st.sha.update(piece.substr(i, j - i));
        i = j;
    }
}

std::string ChecksumStream::finish() {
    State& st = *state_;
    if (!st.started && st.bom_seen > 0) {
        // The text ended inside what looked like a BOM: those bytes were text.
        static constexpr char kBom[] = "\xEF\xBB\xBF";
        const std::size_t partial = st.bom_seen;
        st.started = true;
        st.bom_seen = 0;
        update(std::string_view(kBom, partial));
    }
    if (st.form == Form::kSql) {
        st.sql.finish();
        return "sql-sha256:" + st.sha.hex();
    }
    return "sha256:" + st.sha.hex();
}

std::string migration_checksum(std::string_view text) {
    ChecksumStream stream;
    stream.update(text);
    return stream.finish();
}

std::string line_checksum(std::string_view text) {
    ChecksumStream stream(ChecksumStream::Form::kLines);
    stream.update(text);
    return stream.finish();
}

bool is_line_checksum(std::string_view checksum) {
    return checksum.substr(0, 7) == "sha256:";
}

}  // namespace runner
