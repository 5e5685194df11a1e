// Where the header ends: a free comment under it ends it (near misses of a key stay errors), and
// a prefix that ends inside a line starting like SQL is already complete, so the loader never
// reads a long statement to its end.
#include "migration/header.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace runner {
namespace {

const std::string kPath = "sql/0001_x.up.sql";

std::string error_of(std::string_view text) {
    try {
        parse_header(text, kPath);
        return "";
    } catch (const HeaderError& e) {
        return e.what();
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(header_end)

BOOST_AUTO_TEST_CASE(a_free_comment_right_under_the_header_ends_it) {
    for (const std::string& comment : std::vector<std::string>{
             "-- Note: keep this in sync with the app", "-- TODO: drop the old column later",
             "-- https://tracker.example.com/T-12", "-- note: adds t", "-- see-also: 0003",
             "-- Reviewed-by: ops", "-- FIXME: slow on big tables"}) {
        BOOST_TEST_CONTEXT(comment) {
            const Header h = parse_header(
                "-- revision: abc\n-- down_revision: p\n" + comment + "\nCREATE TABLE t (x);\n",
                kPath);
            BOOST_TEST(h.revision == "abc");
            BOOST_TEST(h.down_revisions == std::vector<std::string>{"p"});
        }
    }
}

BOOST_AUTO_TEST_CASE(header_keys_below_a_free_comment_are_not_header) {
    const Header h = parse_header(
        "-- revision: abc\n-- down_revision: p\n-- Note: x\n-- depends_on: q\n", kPath);
    BOOST_TEST(h.depends_on.empty());
}

BOOST_AUTO_TEST_CASE(a_near_miss_of_a_key_is_still_an_error_with_did_you_mean) {
    BOOST_TEST(error_of("-- revision: abc\n-- down_revision: p\n-- revison: x\n") ==
               kPath + ":3: unknown header key 'revison' (did you mean 'revision'?)");
    BOOST_TEST(error_of("-- revision: abc\n-- down_revision: p\n-- Message: x\n") ==
               kPath + ":3: unknown header key 'Message' (did you mean 'message'?)");
    BOOST_TEST(error_of("-- revision: abc\n-- down_revision: p\n-- depends-on: q\n") ==
               kPath + ":3: unknown header key 'depends-on' (did you mean 'depends_on'?)");
    BOOST_TEST(error_of("-- revision: abc\n-- down_revision: p\n-- transaction: false\n") ==
               kPath + ":3: unknown header key 'transaction' (did you mean 'transactional'?)");
}

BOOST_AUTO_TEST_CASE(a_prefix_ending_inside_a_line_that_starts_like_sql_is_complete) {
    const std::string long_line = "INSERT INTO t VALUES ('" + std::string(100'000, 'x');
    const auto scan =
        scan_header("-- revision: abc\n-- down_revision: p\n\n" + long_line, false, kPath);
    BOOST_TEST(scan.complete);
    BOOST_TEST(scan.header.revision == "abc");
    // Even with no newline yet after the header's first SQL character.
    BOOST_TEST(scan_header("-- revision: abc\n-- down_revision: p\n  I", false, kPath).complete);
}

BOOST_AUTO_TEST_CASE(a_prefix_ending_inside_a_comment_line_still_asks_for_more) {
    // A comment's line ending still matters (a lone CR would hide the SQL after it).
    BOOST_TEST(
        !scan_header("-- revision: abc\n-- down_revision: p\n-- Note: lo", false, kPath).complete);
    BOOST_TEST(!scan_header("-- revision: abc\n-- down_revision: p\n-", false, kPath).complete);
    BOOST_TEST(!scan_header("\xEF\xBB", false, kPath).complete);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
