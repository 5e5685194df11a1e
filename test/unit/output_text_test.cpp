// JSON strings and terminal text whatever the bytes (issue 10), and where a /* comment stays open.
#include <boost/test/unit_test.hpp>

#include "util/json.hpp"
#include "util/sql_comments.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

BOOST_AUTO_TEST_SUITE(output_text)

BOOST_AUTO_TEST_CASE(json_strings_replace_every_byte_that_is_not_well_formed_utf8) {
    BOOST_TEST(json_string("\xc0\xaf") == "\"\\ufffd\\ufffd\"");             // overlong '/'
    BOOST_TEST(json_string("\xe0\x80\xaf") == "\"\\ufffd\\ufffd\\ufffd\"");  // overlong, 3 bytes
    BOOST_TEST(json_string("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate D800
    BOOST_TEST(json_string("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // U+110000
    BOOST_TEST(json_string("\xf5\x80") == "\"\\ufffd\\ufffd\"");
    BOOST_TEST(json_string("a\xe2\x82") == "\"a\\ufffd\\ufffd\"");  // cut short
    BOOST_TEST(json_string("\xf4\x8f\xbf\xbf \xed\x9f\xbf \xc3\xa9") ==
               "\"\xf4\x8f\xbf\xbf \xed\x9f\xbf \xc3\xa9\"");  // U+10FFFF, U+D7FF, e-acute
}

BOOST_AUTO_TEST_CASE(json_strings_escape_c0_del_and_c1_controls) {
    BOOST_TEST(json_string("\x1b[0m\x7f\xc2\x9b\n") == "\"\\u001b[0m\\u007f\\u009b\\n\"");
}

BOOST_AUTO_TEST_CASE(terminal_safe_text_escapes_controls_and_keeps_utf8) {
    BOOST_TEST(terminal_safe("a\x1b[31mb\tc\nd") == "a\\x1b[31mb\tc\nd");
    BOOST_TEST(terminal_safe("\xc2\x9b\x07\x7f") == "\\u009b\\x07\\x7f");
    BOOST_TEST(terminal_safe("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");
    BOOST_TEST(terminal_safe("\x9b\xc0\xaf\r") == "\\x9b\\xc0\\xaf\\x0d");
}

BOOST_AUTO_TEST_CASE(an_open_block_comment_is_found_across_chunks_and_not_inside_quotes) {
    BOOST_TEST(open_comment_line("SELECT 1;\n/* open\nmore\n") == 2);
    BOOST_TEST(open_comment_line("SELECT '/*';\n-- /* no\n\"/*\" [/*] `/*` /* x */") == 0);
    BOOST_TEST(open_comment_line("SELECT 1; /*/ still open") == 1);
    CommentTracker split;
    split.feed("SELECT 1;\n/");
    split.feed("* open across the chunk boundary *");
    BOOST_TEST(split.open_comment_line() == 2);
    split.feed("/");
    BOOST_TEST(split.open_comment_line() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
