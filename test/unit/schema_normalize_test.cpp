// Tests of SQL text normalisation: two spellings of one thing compare equal, different things
// never do, and nothing inside a string literal changes.
#include "schema/normalize.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

namespace runner {
namespace {

BOOST_AUTO_TEST_SUITE(schema_normalize)

BOOST_AUTO_TEST_CASE(spellings_of_the_same_sql_normalise_to_one_text) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a>0", "a > 0"},
        {"  a\n\t>   0  ", "a > 0"},
        {"\"a\" > 0", "a > 0"},
        {"[a] > 0", "a > 0"},
        {"`a` > 0", "a > 0"},
        {"a > 0 -- trailing comment", "a > 0"},
        {"a /* inline */ > 0", "a > 0"},
        {"a>0/* unterminated", "a > 0"},
        {"price between 0 and 10", "price BETWEEN 0 AND 10"},
        {"x is not null", "x IS NOT NULL"},
        {"status in ('a','b')", "status IN ('a', 'b')"},
        {"lower( name )", "lower(name)"},
        {"\"t\".\"a\"", "t.a"},
        {"t . a", "t.a"},
        {"a==1", "a = 1"},
        {"a<>1", "a != 1"},
        {"a - -1", "a - -1"},
        {"-1", "-1"},
        {"- 1", "-1"},
        {"a*-b", "a * -b"},
        {"(a) - (b)", "(a) - (b)"},
        {"- -1", "- -1"},
        {"x'aBcD'", "X'ABCD'"},
        {"0XFF", "0xff"},
        {"1E5", "1e5"},
        {"a||b", "a || b"},
        {"\"select\"", "\"select\""},
        {"[my col] + 1", "\"my col\" + 1"},
        {"`has\"quote`", "\"has\"\"quote\""},
        {"\"x\"\"y\"", "\"x\"\"y\""},
        {"case when a then 1 else -1 end", "CASE WHEN a THEN 1 ELSE -1 END"},
        {"cast(a as integer)", "CAST (a AS integer)"},
        {"raise(abort, 'no')", "RAISE (ABORT, 'no')"},
        {"begin insert into t values(1);end", "BEGIN INSERT INTO t VALUES (1); END"},
        {"new.\"id\"", "NEW.id"},
        {"Old.a + LOWER(x) + \"Upper\"(y)", "OLD.a + lower(x) + upper(y)"},
        {"insert into Users(a) values (1)", "INSERT INTO Users(a) VALUES (1)"},
        {"a->>'$.x'", "a ->> '$.x'"},
    };
    for (const auto& [input, expected] : cases) {
        BOOST_TEST(normalize_sql(input) == expected, "input '" << input << "'");
        BOOST_TEST(normalize_sql(normalize_sql(input)) == expected, "twice: '" << input << "'");
    }
}

BOOST_AUTO_TEST_CASE(nothing_inside_a_string_literal_changes) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"'  two  spaces  '", "'  two  spaces  '"},
        {"'-- not a comment'", "'-- not a comment'"},
        {"'/* not a comment */'", "'/* not a comment */'"},
        {"'it''s'", "'it''s'"},
        {"'\"a\"'", "'\"a\"'"},
        {"'[a]'", "'[a]'"},
        {"'select'", "'select'"},
        {"'Mixed Case'", "'Mixed Case'"},
        {"'a\n  b'", "'a\n  b'"},
        {"\"two  spaces\"", "\"two  spaces\""},
    };
    for (const auto& [input, expected] : cases) {
        BOOST_TEST(normalize_sql(input) == expected, "input '" << input << "'");
    }
}

BOOST_AUTO_TEST_CASE(same_sql_accepts_spellings_and_rejects_different_things) {
    const std::vector<std::pair<std::string, std::string>> same = {
        {"CHECK (Price > 0)", "check(price>0)"},
        {"\"Price\">0", "price > 0"},
        {"[order] = 1", "\"order\"=1"},
        {"key = 1", "\"key\" = 1"},
        {"a = 1 -- why", "a=1"},
        {"lower(x)", "LOWER ( x )"},
        {"a <> b", "a != b"},
        {"\"My Col\" = 1", "[my col]=1"},
    };
    for (const auto& [a, b] : same) {
        BOOST_TEST(same_sql(a, b), "'" << a << "' vs '" << b << "'");
    }
    const std::vector<std::pair<std::string, std::string>> different = {
        {"a > 0", "a >= 0"},   {"a > 0", "b > 0"},   {"'abc'", "'ABC'"},
        {"'a b'", "'a  b'"},   {"'x'", "x"},         {"\"a b\"", "\"a  b\""},
        {"a - 1", "a -1 + 0"}, {"a--1", "a - -1"},   {"x'ab'", "'ab'"},
        {"1", "'1'"},          {"a.b", "ab"},        {"a || b", "a | b"},
        {"\"1\"", "1"},        {"\"a b\"", "'a b'"},
    };
    for (const auto& [a, b] : different) {
        BOOST_TEST(!same_sql(a, b), "'" << a << "' vs '" << b << "'");
    }
}

BOOST_AUTO_TEST_CASE(a_double_quoted_word_naming_no_column_reads_as_a_string) {
    const NormalizeOptions columns{{"status", "Kind"}};

    BOOST_TEST(normalize_sql("status IN (\"active\", \"done\")", columns) ==
               "status IN ('active', 'done')");
    BOOST_TEST(normalize_sql("\"kind\" = 'x'", columns) == "kind = 'x'");
    BOOST_TEST(normalize_sql("\"it's\"", columns) == "'it''s'");
    BOOST_TEST(normalize_sql("[active]", columns) == "active");
    BOOST_TEST(normalize_sql("\"active\"") == "active");
}

BOOST_AUTO_TEST_CASE(types_are_upper_case_with_one_canonical_spacing) {
    BOOST_TEST(normalize_type("varchar (20)") == "VARCHAR(20)");
    BOOST_TEST(normalize_type("decimal( 10 , 2 )") == "DECIMAL(10, 2)");
    BOOST_TEST(normalize_type("unsigned   big int") == "UNSIGNED BIG INT");
    BOOST_TEST(normalize_type("") == "");
}

BOOST_AUTO_TEST_CASE(defaults_lose_redundant_parentheses_and_lone_names_become_strings) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"0", "0"},
        {"(0)", "0"},
        {"((0))", "0"},
        {"-1", "-1"},
        {"(-1)", "-1"},
        {"'abc'", "'abc'"},
        {"\"abc\"", "'abc'"},
        {"abc", "'abc'"},
        {"true", "TRUE"},
        {"current_timestamp", "CURRENT_TIMESTAMP"},
        {"(datetime('now'))", "datetime('now')"},
        {"(a) + (b)", "(a) + (b)"},
        {"((1) + (2))", "(1) + (2)"},
        {"null", "NULL"},
    };
    for (const auto& [input, expected] : cases) {
        BOOST_TEST(normalize_default(input) == expected, "input '" << input << "'");
    }
    BOOST_TEST(is_bare_default("0"));
    BOOST_TEST(is_bare_default("-1"));
    BOOST_TEST(is_bare_default("'x'"));
    BOOST_TEST(is_bare_default("CURRENT_TIMESTAMP"));
    BOOST_TEST(is_bare_default("NULL"));
    BOOST_TEST(!is_bare_default("datetime('now')"));
    BOOST_TEST(!is_bare_default("1 + 1"));
}

BOOST_AUTO_TEST_CASE(names_are_quoted_only_when_they_need_it) {
    BOOST_TEST(quote_name("users") == "users");
    BOOST_TEST(quote_name("Users_2") == "Users_2");
    BOOST_TEST(quote_name("order") == "\"order\"");
    BOOST_TEST(quote_name("my table") == "\"my table\"");
    BOOST_TEST(quote_name("2fa") == "\"2fa\"");
    BOOST_TEST(quote_name("a\"b") == "\"a\"\"b\"");
    BOOST_TEST(quote_name("") == "\"\"");
    BOOST_TEST(same_name("Users", "USERS"));
    BOOST_TEST(!same_name("users", "user"));
}

BOOST_AUTO_TEST_CASE(the_lexer_keeps_unterminated_text_as_one_token) {
    const auto tokens = lex_sql("a 'open");
    BOOST_TEST_REQUIRE(tokens.size() == 2U);
    BOOST_TEST(tokens[1].text == "'open");
    BOOST_TEST(lex_sql("\"open").size() == 1U);
    BOOST_TEST(lex_sql("-- only a comment").empty());
    BOOST_TEST(lex_sql("").empty());
}

BOOST_AUTO_TEST_CASE(postgres_dollar_quoted_bodies_are_one_string_token_only_when_asked) {
    const std::string_view sql = "AS $f$ BEGIN END IF; $x$ $f$; SELECT $1, $$;$$, $a";
    const auto pg = lex_sql(sql, true);
    BOOST_TEST_REQUIRE(pg.size() == 9U);
    BOOST_TEST(pg[1].text == "$f$ BEGIN END IF; $x$ $f$");
    BOOST_TEST((pg[1].kind == SqlTokenKind::kString));
    BOOST_TEST(pg[2].text == ";");
    BOOST_TEST(pg[4].text == "$1");  // a parameter, not a tag
    BOOST_TEST(pg[6].text == "$$;$$");
    BOOST_TEST(pg[8].text == "$a");  // no closing '$': a variable
    // Unterminated: to the end. SQLite's text: no dollar quotes at all.
    BOOST_TEST(lex_sql("$$ open", true).size() == 1U);
    BOOST_TEST(lex_sql(sql).size() > 9U);
}

BOOST_AUTO_TEST_CASE(every_keyword_of_sqlite_is_recognised_and_words_that_are_not_are_not) {
    for (const char* k : {"ABORT", "autoincrement", "Current_Timestamp", "WITHOUT", "ROWS",
                          "TEMPORARY", "NOTNULL", "NULLS", "GROUPS", "EXCLUSIVE", "DEFERRABLE"}) {
        BOOST_TEST(is_sql_keyword(k), k);
    }
    for (const char* w : {"users", "STRICT", "STORED", "TRUE", "integer", "text", "rowid", ""}) {
        BOOST_TEST(!is_sql_keyword(w), w);
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner
