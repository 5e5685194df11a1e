// Parses the relative-target form of Alembic's target grammar. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace runner {

// A relative target: [BRANCH@][SYMBOL](+|-)N, e.g. "+2", "-1", "head-1", "ae10+2", "orders@-1".
// (Absolute targets, "a:b" ranges and the other symbols are resolved by the revision graph.)
struct RelativeTarget {
    std::optional<std::string> branch;
    std::optional<std::string> symbol;  // a revision, prefix, label, head, heads or base
    int steps = 0;                      // signed
    std::string steps_text;             // "+2", "-1": as typed, for messages
};

// The relative form of `target`, or nothing when it is absolute. Throws UsageError when it
// starts like a relative target but has trailing characters ("+1x") or an absurd count.
std::optional<RelativeTarget> parse_relative(std::string_view target);

// Splits "a:b" for history ranges and offline SQL; nothing when there is no ':'.
struct Range {
    std::string lower;  // empty: open
    std::string upper;
};
std::optional<Range> parse_range(std::string_view target);

}  // namespace runner
