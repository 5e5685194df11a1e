// Tests of the relative-target grammar ([BRANCH@][SYMBOL](+|-)N) and of history ranges.
#include "plan/target.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <tuple>

#include "util/error.hpp"

namespace runner {
namespace {

// A parsed target on one line: "branch=B symbol=S steps=N text=T", "absolute" or the error.
std::string parse(std::string_view target) {
    try {
        const auto rel = parse_relative(target);
        if (!rel) {
            return "absolute";
        }
        return "branch=" + rel->branch.value_or("-") + " symbol=" + rel->symbol.value_or("-") +
               " steps=" + std::to_string(rel->steps) + " text=" + rel->steps_text;
    } catch (const UsageError& e) {
        return std::string("usage error: ") + e.what();
    }
}

struct Case {
    std::string_view target;
    std::string_view expected;
};

// Expected values follow Alembic's `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)` (checked with re.match),
// except that runner rejects characters after the digits where Alembic ignores them.
const Case kRelative[] = {
    {"+2", "branch=- symbol=- steps=2 text=+2"},
    {"-1", "branch=- symbol=- steps=-1 text=-1"},
    {"+01", "branch=- symbol=- steps=1 text=+01"},
    {"head-1", "branch=- symbol=head steps=-1 text=-1"},
    {"heads-1", "branch=- symbol=heads steps=-1 text=-1"},
    {"base+2", "branch=- symbol=base steps=2 text=+2"},
    {"ae10+2", "branch=- symbol=ae10 steps=2 text=+2"},
    {"3f1c2a9e7b10-3", "branch=- symbol=3f1c2a9e7b10 steps=-3 text=-3"},
    {"orders@-1", "branch=orders symbol=- steps=-1 text=-1"},
    {"orders@+2", "branch=orders symbol=- steps=2 text=+2"},
    {"orders@head-1", "branch=orders symbol=head steps=-1 text=-1"},
    {"a@b+1", "branch=a symbol=b steps=1 text=+1"},
    // The branch is the shortest prefix before an '@' that lets the rest match.
    {"a@b@+1", "branch=a@b symbol=- steps=1 text=+1"},
    {"x@y@head-3", "branch=x@y symbol=head steps=-3 text=-3"},
    {"a-b@-1", "branch=a-b symbol=- steps=-1 text=-1"},
    {"@x@+1", "branch=@x symbol=- steps=1 text=+1"},
    {"+999999", "branch=- symbol=- steps=999999 text=+999999"},
};

const Case kAbsolute[] = {
    {"head", "absolute"},
    {"heads", "absolute"},
    {"base", "absolute"},
    {"abc", "absolute"},
    {"7d4e8b2c1a05", "absolute"},
    {"orders@head", "absolute"},
    {"orders@7d4e", "absolute"},
    {"orders@", "absolute"},
    {"", "absolute"},
    {"-", "absolute"},
    {"head-", "absolute"},
    {"@+1", "absolute"},  // an empty branch is not a branch, and '@' is not a symbol
    {"a.b+1", "absolute"},
    {" +1", "absolute"},
};

constexpr std::string_view kTrailing =
    "': a relative target is [BRANCH@][REV](+|-)N with nothing after N";

}  // namespace

BOOST_AUTO_TEST_SUITE(target)

BOOST_AUTO_TEST_CASE(parses_every_relative_target_in_the_table) {
    for (const auto& c : kRelative) {
        BOOST_TEST_CONTEXT(c.target) {
            BOOST_TEST(parse(c.target) == c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(absolute_targets_are_left_to_the_graph) {
    for (const auto& c : kAbsolute) {
        BOOST_TEST_CONTEXT("'" << c.target << "'") {
            BOOST_TEST(parse(c.target) == c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(trailing_characters_after_the_count_are_a_usage_error) {
    const std::string_view bad[] = {"+1x",     "-2 ",  "head-1x", "orders@+1x",
                                    "x@+1@+2", "+1@x", "ae10+2-1"};
    for (const auto target : bad) {
        BOOST_TEST_CONTEXT(target) {
            BOOST_TEST(parse(target) == "usage error: invalid target '" + std::string(target) +
                                            std::string(kTrailing));
        }
    }
}

BOOST_AUTO_TEST_CASE(absurd_step_count_is_a_usage_error) {
    BOOST_TEST(parse("+1234567") == "usage error: relative target '+1234567' steps too far");
    BOOST_CHECK_THROW(parse_relative("head-99999999999999999999"), UsageError);
}

BOOST_AUTO_TEST_CASE(range_splits_at_the_colon) {
    const std::tuple<std::string_view, std::string_view, std::string_view> cases[] = {
        {"a:b", "a", "b"},
        {":b", "", "b"},
        {"a:", "a", ""},
        {":", "", ""},
        {"-3:current", "-3", "current"},
        {"base:orders@head", "base", "orders@head"},
    };
    for (const auto& [text, lower, upper] : cases) {
        BOOST_TEST_CONTEXT(text) {
            const auto range = parse_range(text);
            BOOST_TEST_REQUIRE(range.has_value());
            BOOST_TEST(range->lower == lower);
            BOOST_TEST(range->upper == upper);
        }
    }
}

BOOST_AUTO_TEST_CASE(target_without_colon_is_not_a_range) {
    BOOST_TEST(!parse_range("head").has_value());
    BOOST_TEST(!parse_range("orders@-1").has_value());
    BOOST_TEST(!parse_range("").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
