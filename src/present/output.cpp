// stdout and stderr as commands see them: counted, and escaped for terminals.
#include "present/output.hpp"

#include "util/text.hpp"

namespace runner {
namespace {

constexpr std::size_t kChunk = 16 * 1024;

// Where a UTF-8 sequence that the end of `s` cuts short begins; s.size() when none is.
std::size_t cut_sequence(const std::string& s) {
    for (std::size_t back = 1; back <= 3 && back <= s.size(); ++back) {
        const auto c = static_cast<unsigned char>(s[s.size() - back]);
        if ((c & 0xc0) == 0x80) {
            continue;  // a continuation byte: look further back for the lead byte
        }
        const std::size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        return need > back ? s.size() - back : s.size();
    }
    return s.size();
}

}  // namespace

OutputBuf::~OutputBuf() {
    drain(true);  // never throws: a failed write here has nobody left to tell
}

OutputBuf::int_type OutputBuf::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) {
        return traits_type::not_eof(c);
    }
    const char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
}

std::streamsize OutputBuf::xsputn(const char* s, std::streamsize n) {
    pending_.append(s, static_cast<std::size_t>(n));
    written_ += static_cast<std::size_t>(n);
    if (pending_.size() >= kChunk && !drain(false)) {
        return 0;
    }
    return n;
}

int OutputBuf::sync() {
    if (!drain(true)) {
        return -1;
    }
    return target_->pubsync();
}

bool OutputBuf::drain(bool all) {
    const std::size_t end = all || !escape_ ? pending_.size() : cut_sequence(pending_);
    if (end == 0) {
        return true;
    }
    const std::string text = escape_ ? terminal_safe(std::string_view(pending_).substr(0, end))
                                     : pending_.substr(0, end);
    pending_.erase(0, end);
    const auto size = static_cast<std::streamsize>(text.size());
    return target_->sputn(text.data(), size) == size;
}

}  // namespace runner
