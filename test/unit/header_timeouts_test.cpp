// The lock_timeout and statement_timeout header keys and the durations they take.
#include <boost/test/unit_test.hpp>
#include <string>

#include "migration/header.hpp"

namespace runner {
namespace {

const std::string kPath = "sql/0002_index.up.sql";

Header parse(const std::string& text) {
    return parse_header(text, kPath);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(header_timeouts)

BOOST_AUTO_TEST_CASE(durations_read_as_postgresql_writes_them) {
    BOOST_TEST(parse_timeout_ms("5s").value() == 5'000);
    BOOST_TEST(parse_timeout_ms("500ms").value() == 500);
    BOOST_TEST(parse_timeout_ms("250").value() == 250);
    BOOST_TEST(parse_timeout_ms("2min").value() == 120'000);
    BOOST_TEST(parse_timeout_ms("1h").value() == 3'600'000);
    BOOST_TEST(parse_timeout_ms("1d").value() == 86'400'000);
    BOOST_TEST(parse_timeout_ms("0").value() == 0);
    BOOST_TEST(parse_timeout_ms(" 10 s ").value() == 10'000);
    BOOST_TEST(parse_timeout_ms("'5s'").value() == 5'000);
}

BOOST_AUTO_TEST_CASE(durations_that_are_not_one_are_refused) {
    for (const char* bad : {"", "s", "5 seconds", "5sec", "-1s", "1.5s", "5S", "99999999999999",
                            "30d", "5s;", "'5s"}) {
        BOOST_TEST(!parse_timeout_ms(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(a_header_sets_lock_and_statement_timeouts) {
    const auto h = parse(
        "-- revision: b\n-- down_revision: a\n-- lock_timeout: 5s\n-- statement_timeout: "
        "2min\nCREATE INDEX i ON t (x);\n");
    BOOST_TEST(h.timeouts.lock_ms.value() == 5'000);
    BOOST_TEST(h.timeouts.statement_ms.value() == 120'000);
    BOOST_TEST(h.body_line == 5);
}

BOOST_AUTO_TEST_CASE(a_header_without_them_leaves_them_unset) {
    const auto h = parse("-- revision: b\n-- down_revision: a\nSELECT 1;\n");
    BOOST_TEST(h.timeouts.empty());
}

BOOST_AUTO_TEST_CASE(a_bad_timeout_names_the_file_line_and_value) {
    try {
        parse("-- revision: b\n-- down_revision: a\n-- lock_timeout: soon\nSELECT 1;\n");
        BOOST_FAIL("accepted a bad lock_timeout");
    } catch (const HeaderError& e) {
        BOOST_TEST(e.line() == 3);
        BOOST_TEST(std::string(e.what()).find(kPath + ":3: lock_timeout takes a duration") == 0,
                   e.what());
        BOOST_TEST(std::string(e.what()).find("'soon'") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(a_timeout_given_twice_is_refused) {
    BOOST_CHECK_THROW(parse("-- revision: b\n-- down_revision: a\n-- lock_timeout: 1s\n-- "
                            "lock_timeout: 2s\nSELECT 1;\n"),
                      HeaderError);
}

BOOST_AUTO_TEST_CASE(a_misspelled_timeout_key_is_refused_with_a_suggestion) {
    try {
        parse("-- revision: b\n-- down_revision: a\n-- lock-timeout: 1s\nSELECT 1;\n");
        BOOST_FAIL("accepted lock-timeout");
    } catch (const HeaderError& e) {
        BOOST_TEST(std::string(e.what()).find("did you mean 'lock_timeout'") != std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(file_defaults_fill_only_what_the_header_leaves_unset) {
    SessionTimeouts header{std::nullopt, 1'000};
    const auto merged = header.or_else(SessionTimeouts{5'000, 9'000});
    BOOST_TEST(merged.lock_ms.value() == 5'000);
    BOOST_TEST(merged.statement_ms.value() == 1'000);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
