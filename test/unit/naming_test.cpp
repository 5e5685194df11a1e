// Tests of the names a new migration gets: slugs from hostile messages, numbering, header
// messages and creation dates.
#include "authoring/naming.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "util/error.hpp"

namespace runner {
namespace {

BOOST_AUTO_TEST_SUITE(naming)

BOOST_AUTO_TEST_CASE(slugs_are_lower_case_words_joined_by_underscores) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"create users table", "create_users_table"},
        {"Add Users.full_name", "add_users_full_name"},
        {"../../etc/x", "etc_x"},
        {"/etc/passwd", "etc_passwd"},
        {"a\\b/c", "a_b_c"},
        {"it's \"quoted\" `here`", "it_s_quoted_here"},
        {"add 🎉 party", "add_party"},
        {"café crème", "caf_cr_me"},
        {"  --spaced--  out  ", "spaced_out"},
        {"v1.2: fix", "v1_2_fix"},
        {"line\nbreak\ttab", "line_break_tab"},
        {"", "migration"},
        {"...", "migration"},
        {"🎉🎉", "migration"},
        {"__init__", "init"},
    };
    for (const auto& [message, slug] : cases) {
        BOOST_TEST(slugify(message) == slug, "message '" << message << "'");
    }
}

BOOST_AUTO_TEST_CASE(long_slugs_are_cut_at_a_word_boundary_within_forty_characters) {
    std::string message;
    for (int i = 0; i < 30; ++i) {
        message += "word" + std::to_string(i) + " ";  // 300 characters and more
    }
    const std::string slug = slugify(message);

    BOOST_TEST(slug == "word0_word1_word2_word3_word4_word5");
    BOOST_TEST(slug.size() <= kMaxSlugLength);
}

BOOST_AUTO_TEST_CASE(a_long_slug_without_a_usable_boundary_is_cut_at_forty) {
    const std::string slug = slugify("a " + std::string(300, 'x'));

    BOOST_TEST(slug == "a_" + std::string(38, 'x'));
    BOOST_TEST(slugify(std::string(50, 'y')) == std::string(40, 'y'));
}

BOOST_AUTO_TEST_CASE(a_boundary_exactly_at_the_limit_keeps_forty_characters) {
    const std::string forty = std::string(19, 'a') + "_" + std::string(20, 'b');

    BOOST_TEST(slugify(forty + " more") == forty);
}

BOOST_AUTO_TEST_CASE(header_messages_keep_the_text_but_not_line_breaks) {
    BOOST_TEST(header_message("add users table") == "add users table");
    BOOST_TEST(header_message("first line\nsecond line") == "first line second line");
    BOOST_TEST(header_message("crlf\r\nbreak") == "crlf break");
    BOOST_TEST(header_message("tab\there\x1b[1m") == "tab here [1m");
    BOOST_TEST(header_message("  ../../etc/x 'quoted' 🎉  ") == "../../etc/x 'quoted' 🎉");
    BOOST_TEST(header_message("\n") == "");
}

BOOST_AUTO_TEST_CASE(the_next_number_follows_the_largest_existing_one) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{}, "0001"},
        {{"0001_a.up.sql", "0002_b.up.sql"}, "0003"},
        {{"0009_b.up.sql", "0001_a.up.sql"}, "0010"},
        {{"0002_a.up.sql", "0002_b.up.sql"}, "0003"},
        {{"readme.up.sql", "x_0005.up.sql"}, "0001"},
        {{"7_a.up.sql"}, "0008"},
        {{"9999_last.up.sql"}, "10000"},
        {{"00012_wide.up.sql"}, "00013"},
        {{"20260101_dated.up.sql", "0003_x.up.sql"}, "20260102"},
    };
    for (const auto& [names, expected] : cases) {
        BOOST_TEST(next_number(names) == expected);
    }
}

BOOST_AUTO_TEST_CASE(a_number_too_long_to_count_is_an_error_naming_the_file) {
    const std::string name = std::string(19, '1') + "_x.up.sql";
    BOOST_CHECK_EXCEPTION(next_number({name}), Error, [&](const Error& e) {
        return std::string(e.what()) == "cannot number the new migration: '" + name +
                                            "' starts with a number of more than 18 digits";
    });
}

BOOST_AUTO_TEST_CASE(the_stem_is_number_and_slug) {
    BOOST_TEST(migration_stem({"0003_x.up.sql"}, "Add users.email") == "0004_add_users_email");
}

BOOST_AUTO_TEST_CASE(create_dates_are_utc_in_the_header_format) {
    BOOST_TEST(format_create_date(0) == "1970-01-01 00:00:00");
    BOOST_TEST(format_create_date(1700000000) == "2023-11-14 22:13:20");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
