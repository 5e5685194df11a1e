// Parses the relative-target form of Alembic's target grammar.
//
// Grammar (Alembic's `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)`, but anchored at both ends):
//
//   relative = [ branch "@" ] [ symbol ] sign digits
//   branch   = 1*CHAR            (the shortest prefix before an "@" that lets the rest match)
//   symbol   = 1*( ALPHA / DIGIT / "_" )
//   sign     = "+" / "-"
//
// Alembic ignores characters after the digits ("+1x" means "+1"); runner rejects them.
#include "plan/target.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

bool is_word(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Matches `[symbol] sign digits [trailing]`; returns false when the form does not apply.
bool match_tail(std::string_view s, RelativeTarget& out, bool& trailing) {
    std::size_t i = 0;
    while (i < s.size() && is_word(s[i])) {
        ++i;
    }
    if (i >= s.size() || (s[i] != '+' && s[i] != '-')) {
        return false;
    }
    const std::size_t sign = i++;
    const std::size_t digits = i;
    while (i < s.size() && is_digit(s[i])) {
        ++i;
    }
    if (i == digits) {
        return false;
    }
    trailing = i != s.size();
    if (sign > 0) {
        out.symbol = std::string(s.substr(0, sign));
    }
    out.steps_text = std::string(s.substr(sign, i - sign));
    const auto count_text = s.substr(digits, i - digits);
    if (count_text.size() > 6) {
        throw UsageError("relative target '" + printable(s) + "' steps too far");
    }
    const int count = std::stoi(std::string(count_text));
    out.steps = s[sign] == '-' ? -count : count;
    return true;
}

}  // namespace

std::optional<RelativeTarget> parse_relative(std::string_view target) {
    RelativeTarget out;
    bool trailing = false;
    for (std::size_t at = target.find('@'); at != std::string_view::npos;
         at = target.find('@', at + 1)) {
        if (at == 0) {
            continue;
        }
        RelativeTarget candidate;
        if (match_tail(target.substr(at + 1), candidate, trailing)) {
            candidate.branch = std::string(target.substr(0, at));
            out = std::move(candidate);
            if (trailing) {
                break;
            }
            return out;
        }
    }
    if (!trailing && !match_tail(target, out, trailing)) {
        return std::nullopt;
    }
    if (trailing) {
        throw UsageError("invalid target '" + printable(target) +
                         "': a relative target is [BRANCH@][REV](+|-)N with nothing after N");
    }
    return out;
}

std::optional<Range> parse_range(std::string_view target) {
    const auto colon = target.find(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    return Range{std::string(target.substr(0, colon)), std::string(target.substr(colon + 1))};
}

}  // namespace runner
