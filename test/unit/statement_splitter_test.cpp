// Tests of the PostgreSQL statement splitter: tables of scripts and the statements psql would
// send for them (the tricky ones checked against psql 15), bad scripts, streaming and speed,
// and error positions mapped back to file lines.
#include "db/postgres/statement_splitter.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace runner {
namespace {

using namespace std::string_view_literals;

const std::string kPath = "up.sql";

std::string kind_tag(PgStatementKind kind) {
    switch (kind) {
        case PgStatementKind::kSql:
            return "";
        case PgStatementKind::kCopyFromStdin:
            return "COPY-IN ";
        case PgStatementKind::kCopyToStdout:
            return "COPY-OUT ";
        case PgStatementKind::kCopyData:
            return "DATA ";
        case PgStatementKind::kMetaCommand:
            return "META ";
    }
    return "?";
}

// "line:column [KIND ]text" per statement, or "error: <what()>".
std::vector<std::string> describe(const std::vector<PgStatement>& statements) {
    std::vector<std::string> out;
    for (const auto& s : statements) {
        out.push_back(std::to_string(s.line) + ":" + std::to_string(s.column) + " " +
                      kind_tag(s.kind) + s.text);
    }
    return out;
}

std::vector<std::string> split(std::string_view script) {
    try {
        return describe(split_pg_statements(script, kPath));
    } catch (const PgSplitError& e) {
        return {std::string("error: ") + e.what()};
    }
}

// The same script fed `chunk` bytes at a time, taking statements as they become complete.
std::vector<std::string> split_streaming(std::string_view script, std::size_t chunk) {
    try {
        PgStatementSplitter splitter(kPath);
        std::vector<PgStatement> statements;
        for (std::size_t at = 0; at < script.size(); at += chunk) {
            splitter.feed(script.substr(at, chunk));
            while (auto s = splitter.next()) {
                statements.push_back(std::move(*s));
            }
        }
        splitter.finish();
        while (auto s = splitter.next()) {
            statements.push_back(std::move(*s));
        }
        return describe(statements);
    } catch (const PgSplitError& e) {
        return {std::string("error: ") + e.what()};
    }
}

struct Case {
    std::string_view script;
    std::vector<std::string> statements;
};

const Case kGood[] = {
    // Statement boundaries, blanks and empty statements.
    {"", {}},
    {"select 1; select 2;", {"1:1 select 1;", "1:11 select 2;"}},
    {"select 1", {"1:1 select 1"}},
    {"select 1;\nselect 2", {"1:1 select 1;", "2:1 select 2"}},
    {";;  ;\n", {}},
    {"select 1;;select 2 ;", {"1:1 select 1;", "1:11 select 2 ;"}},
    {"  \n\n  select 1;\n", {"3:3 select 1;"}},
    {"-- only a comment\n/* and another ; */\n", {}},
    {"-- c\nselect 1; -- trailing ; comment\nselect 2;", {"2:1 select 1;", "3:1 select 2;"}},
    {"/* lead */ select 1;", {"1:12 select 1;"}},
    {"select 1 -- no semicolon here", {"1:1 select 1"}},
    {"select 1 /* c */\n\n", {"1:1 select 1"}},
    {"\f\v\tselect 1;", {"1:4 select 1;"}},
    // Single-quoted strings: '' doubles a quote, a backslash is an ordinary character.
    {"select 'a;b'; select 2;", {"1:1 select 'a;b';", "1:15 select 2;"}},
    {"select 'it''s;'; x;", {"1:1 select 'it''s;';", "1:18 x;"}},
    {"select 'a\\'; select 2;", {"1:1 select 'a\\';", "1:14 select 2;"}},
    {"select 'a'\n'b;c';", {"1:1 select 'a'\n'b;c';"}},
    {"select 'one\nline;\ntwo'; x;", {"1:1 select 'one\nline;\ntwo';", "3:7 x;"}},
    // E'' strings: a backslash escapes the next character, the quote included.
    {"select E'a\\'; select 2;'; x;", {"1:1 select E'a\\'; select 2;';", "1:27 x;"}},
    {"select e'\\\\'; x;", {"1:1 select e'\\\\';", "1:15 x;"}},
    {"select E'it''s;'; x;", {"1:1 select E'it''s;';", "1:19 x;"}},
    {"select E'\\x41;\\101'; x;", {"1:1 select E'\\x41;\\101';", "1:22 x;"}},
    // psql reads files line by line, so an E'' string never continues after a newline and a
    // quote (the server's lexer would continue it): the second part is a standard string.
    {"select E'a'\n'\\'; x;", {"1:1 select E'a'\n'\\';", "2:6 x;"}},
    {"select E'a' -- c\n '\\'; x;", {"1:1 select E'a' -- c\n '\\';", "2:7 x;"}},
    {"select E'a'\n\n'b'; x;", {"1:1 select E'a'\n\n'b';", "3:6 x;"}},
    {"select E'a' 'b;'; x;", {"1:1 select E'a' 'b;';", "1:19 x;"}},
    // A word ending in e is not an E prefix; neither is a number's tail.
    {"select ae'a\\'; x;", {"1:1 select ae'a\\';", "1:16 x;"}},
    {"select 1e'\\'; x;", {"1:1 select 1e'\\';", "1:15 x;"}},
    {"select 1.e'\\'; x;", {"1:1 select 1.e'\\';", "1:16 x;"}},
    {"select 1_000e'\\'; x;", {"1:1 select 1_000e'\\';", "1:19 x;"}},
    // U&'', B'', X'', N'': standard strings with a prefix.
    {"select U&'d\\0061t;a'; x;", {"1:1 select U&'d\\0061t;a';", "1:23 x;"}},
    {"select U&'\\'; x;", {"1:1 select U&'\\';", "1:15 x;"}},
    {"select B'1;0', X'F;F', N'n;'; x;", {"1:1 select B'1;0', X'F;F', N'n;';", "1:31 x;"}},
    {"select n'\\'; x;", {"1:1 select n'\\';", "1:14 x;"}},
    {"select u&x; y;", {"1:1 select u&x;", "1:13 y;"}},
    // Quoted identifiers.
    {"select \"a;b\", \"c\"\"d;\"; x;", {"1:1 select \"a;b\", \"c\"\"d;\";", "1:24 x;"}},
    {"select U&\"a;b\"; x;", {"1:1 select U&\"a;b\";", "1:17 x;"}},
    {"select \"\\\"; x;", {"1:1 select \"\\\";", "1:13 x;"}},
    // Dollar quoting.
    {"select $$a;b$$; x;", {"1:1 select $$a;b$$;", "1:17 x;"}},
    {"select $fn$ a $$ ; $ $fn$; x;", {"1:1 select $fn$ a $$ ; $ $fn$;", "1:28 x;"}},
    {"select $a$ $b$ ; $a$; x;", {"1:1 select $a$ $b$ ; $a$;", "1:23 x;"}},
    {"select $a$ $ba$a$; x;", {"1:1 select $a$ $ba$a$;", "1:20 x;"}},
    {"select $_1$;$_1$;", {"1:1 select $_1$;$_1$;"}},
    {"select $\xC3\xA9$;$\xC3\xA9$; x;", {"1:1 select $\xC3\xA9$;$\xC3\xA9$;", "1:17 x;"}},
    {"create function f() returns int as $body$\nbegin\n  return 1;\nend;\n$body$ language "
     "plpgsql;\nselect 2;",
     {"1:1 create function f() returns int as $body$\nbegin\n  return 1;\nend;\n$body$ "
      "language plpgsql;",
      "6:1 select 2;"}},
    {"select $$'$$; x;", {"1:1 select $$'$$;", "1:15 x;"}},
    {"select '$$'; x; select $$;$$;", {"1:1 select '$$';", "1:14 x;", "1:17 select $$;$$;"}},
    // $1 is a parameter, a$$ a word, $a a lone $ then a word: none opens a quote.
    {"prepare p as select $1; select $$;$$;",
     {"1:1 prepare p as select $1;", "1:25 select $$;$$;"}},
    {"select a$$; x$$;", {"1:1 select a$$;", "1:13 x$$;"}},
    {"select $1$$;$$;", {"1:1 select $1$$;$$;"}},
    {"select $1a$ ; x;", {"1:1 select $1a$ ;", "1:15 x;"}},
    {"select $a; select 1;", {"1:1 select $a;", "1:12 select 1;"}},
    {"select 1$$;$$;", {"1:1 select 1$$;$$;"}},
    {"select 1a$$; x;", {"1:1 select 1a$$;", "1:14 x;"}},
    // Comments: -- to the end of the line, /* */ nested.
    {"select 1 /* ; /* nested ; */ still ; */ ; x;",
     {"1:1 select 1 /* ; /* nested ; */ still ; */ ;", "1:43 x;"}},
    {"select 1 -- ; \n ; x;", {"1:1 select 1 -- ; \n ;", "2:4 x;"}},
    {"select 2 +/* c; */ 3;", {"1:1 select 2 +/* c; */ 3;"}},
    {"select 2 */ ; x;", {"1:1 select 2 */ ;", "1:15 x;"}},
    {"select 1 /*/ ; */ */ ; x;", {"1:1 select 1 /*/ ; */ */ ;", "1:24 x;"}},
    {"select 1 /* **/ ; x;", {"1:1 select 1 /* **/ ;", "1:19 x;"}},
    {"select '--'; select '/*'; x;", {"1:1 select '--';", "1:14 select '/*';", "1:27 x;"}},
    {"select 1 --c\r; x;", {"1:1 select 1 --c\r;", "2:3 x;"}},
    // A ';' inside parentheses does not end a statement (psql counts them).
    {"create rule r as on insert to t do also (insert into a values (1); insert into b "
     "values (2)); x;",
     {"1:1 create rule r as on insert to t do also (insert into a values (1); insert into b "
      "values (2));",
      "1:95 x;"}},
    {"select (1;", {"1:1 select (1;"}},
    {"select 1); select 2;", {"1:1 select 1);", "1:12 select 2;"}},
    {"select '(' ; x;", {"1:1 select '(' ;", "1:14 x;"}},
    // BEGIN ATOMIC ... END bodies of CREATE FUNCTION / PROCEDURE.
    {"create function f() returns int language sql begin atomic select 1; select 2; end; "
     "select 3;",
     {"1:1 create function f() returns int language sql begin atomic select 1; select 2; "
      "end;",
      "1:84 select 3;"}},
    {"CREATE OR REPLACE PROCEDURE p() LANGUAGE sql\nBEGIN ATOMIC\n  INSERT INTO t VALUES (1);\n"
     "END;\nx;",
     {"1:1 CREATE OR REPLACE PROCEDURE p() LANGUAGE sql\nBEGIN ATOMIC\n  INSERT INTO t VALUES "
      "(1);\nEND;",
      "5:1 x;"}},
    {"create function f(x int) returns int language sql begin atomic select case when x > 0 "
     "then 1 else 0 end; end; x;",
     {"1:1 create function f(x int) returns int language sql begin atomic select case when x "
      "> 0 then 1 else 0 end; end;",
      "1:111 x;"}},
    {"begin; select 1; end;", {"1:1 begin;", "1:8 select 1;", "1:18 end;"}},
    {"create or replace view v as select 1; begin; x;",
     {"1:1 create or replace view v as select 1;", "1:39 begin;", "1:46 x;"}},
    {"create function f(begin int) returns int language sql return 1; x;",
     {"1:1 create function f(begin int) returns int language sql return 1;", "1:65 x;"}},
    {"create function f() returns int as 'begin' language sql; x;",
     {"1:1 create function f() returns int as 'begin' language sql;", "1:58 x;"}},
    {"create table \"begin\" (a int); x;", {"1:1 create table \"begin\" (a int);", "1:31 x;"}},
    // psql meta-commands: a backslash outside quotes, to the end of its line.
    {"select 1;\n\\set ON_ERROR_STOP on\nselect 2;",
     {"1:1 select 1;", "2:1 META \\set ON_ERROR_STOP on", "3:1 select 2;"}},
    {"select 1 \\g\nselect 2;", {"1:1 select 1", "1:10 META \\g", "2:1 select 2;"}},
    {"select 1;\r\n\\i other.sql\r\nx;", {"1:1 select 1;", "2:1 META \\i other.sql", "3:1 x;"}},
    {"select '\\n'; select $$\\$$; select \"\\\"; select E'\\\\';",
     {"1:1 select '\\n';", "1:14 select $$\\$$;", "1:28 select \"\\\";", "1:40 select E'\\\\';"}},
    {"/* \\x */ -- \\y\nselect 1;", {"2:1 select 1;"}},
    // COPY ... FROM STDIN: the following lines are data, up to "\.".
    {"COPY t (a, b) FROM stdin;\n1\t2\n\\.\nselect 1;",
     {"1:1 COPY-IN COPY t (a, b) FROM stdin;", "2:1 DATA 1\t2\n\\.", "4:1 select 1;"}},
    {"copy t from STDIN with (format csv); -- data:\na,'b;\n\\.\r\nselect 1;",
     {"1:1 COPY-IN copy t from STDIN with (format csv);", "2:1 DATA a,'b;\n\\.", "4:1 select 1;"}},
    {"copy t from stdin;\n1\n2\n", {"1:1 COPY-IN copy t from stdin;", "2:1 DATA 1\n2\n"}},
    {"copy t from stdin;", {"1:1 COPY-IN copy t from stdin;"}},
    {"copy t from stdin", {"1:1 COPY-IN copy t from stdin"}},
    {"copy t from stdin;\n\\.\n", {"1:1 COPY-IN copy t from stdin;", "2:1 DATA \\."}},
    {"copy t to stdout; copy (select 1) TO STDOUT;",
     {"1:1 COPY-OUT copy t to stdout;", "1:19 COPY-OUT copy (select 1) TO STDOUT;"}},
    {"copy t from '/tmp/x'; select 'copy' from stdin; copy (select 1 from stdin) to '/x';",
     {"1:1 copy t from '/tmp/x';", "1:23 select 'copy' from stdin;",
      "1:49 copy (select 1 from stdin) to '/x';"}},
    // Line endings: LF, CRLF and a lone CR each end a line.
    {"select 1;\r\n\r\nselect 'a\r\nb';\r\nx;",
     {"1:1 select 1;", "3:1 select 'a\r\nb';", "5:1 x;"}},
    {"select 1;\rselect 2;\r\rx;", {"1:1 select 1;", "2:1 select 2;", "4:1 x;"}},
    // UTF-8: columns count characters; identifiers may hold any non-ASCII byte.
    {"select '\xC3\xA9;\xC3\xBC'; select 2;",
     {"1:1 select '\xC3\xA9;\xC3\xBC';", "1:15 select 2;"}},
    {"select \xC3\xA9t\xC3\xA9$$; x;", {"1:1 select \xC3\xA9t\xC3\xA9$$;", "1:15 x;"}},
    {"\xEF\xBB\xBFselect 1;", {"1:1 select 1;"}},
};

struct BadCase {
    std::string_view script;
    std::string_view error;
};

const BadCase kBad[] = {
    {"select 'abc", "up.sql:1: unterminated quoted string"},
    {"select 1;\nselect 'a\nb\nc", "up.sql:2: unterminated quoted string"},
    {"select 1;\nselect E'abc\\'\n;", "up.sql:2: unterminated quoted string"},
    {"select E'\\", "up.sql:1: unterminated quoted string"},
    {"select E'a' '\\'; x';", "up.sql:1: unterminated quoted string"},
    {"select 'ok';\nselect U&'x", "up.sql:2: unterminated quoted string"},
    {"select B'01", "up.sql:1: unterminated quoted string"},
    {"select \"abc;", "up.sql:1: unterminated quoted identifier"},
    {"select \"a\"\"", "up.sql:1: unterminated quoted identifier"},
    {"select 1;\n\n/* a /* b */ c", "up.sql:3: unterminated /* comment"},
    {"select 1; /* ok */ /*", "up.sql:1: unterminated /* comment"},
    {"/* a */\n/*/", "up.sql:2: unterminated /* comment"},
    {"select $fn$ body $$", "up.sql:1: unterminated dollar-quoted string: no closing $fn$"},
    {"select 1;\nselect $$ a $a$", "up.sql:2: unterminated dollar-quoted string: no closing $$"},
    {"select 1;\nselect 'a\0b';"sv,
     "up.sql:2: NUL byte in the script: PostgreSQL cannot receive it"},
    {"-- \0\nselect 1;"sv, "up.sql:1: NUL byte in the script: PostgreSQL cannot receive it"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(statement_splitter)

BOOST_AUTO_TEST_CASE(splits_every_script_in_the_table_as_psql_does) {
    for (const auto& c : kGood) {
        BOOST_TEST_CONTEXT("script: '" << c.script << "'") {
            BOOST_TEST(split(c.script) == c.statements, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(unsendable_scripts_name_the_line_where_the_construct_started) {
    for (const auto& c : kBad) {
        const std::string script(c.script.data(), c.script.size());
        BOOST_TEST_CONTEXT("script: '" << script << "'") {
            BOOST_TEST(split(script) == std::vector<std::string>{"error: " + std::string(c.error)},
                       boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(streaming_in_chunks_of_any_size_gives_the_same_statements) {
    for (const auto& c : kGood) {
        for (const std::size_t chunk : {1, 2, 3, 7}) {
            BOOST_TEST_CONTEXT("script: '" << c.script << "' in chunks of " << chunk) {
                BOOST_TEST(split_streaming(c.script, chunk) == c.statements,
                           boost::test_tools::per_element());
            }
        }
    }
    for (const auto& c : kBad) {
        const std::string script(c.script.data(), c.script.size());
        BOOST_TEST_CONTEXT("script: '" << script << "'") {
            BOOST_TEST(split_streaming(script, 1) ==
                           std::vector<std::string>{"error: " + std::string(c.error)},
                       boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(statements_come_out_as_soon_as_they_are_complete) {
    PgStatementSplitter splitter(kPath);
    splitter.feed("select 1; sel");
    auto first = splitter.next();
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST(first->text == "select 1;");
    BOOST_TEST(!splitter.next().has_value());
    splitter.feed("ect 2");
    BOOST_TEST(!splitter.next().has_value());  // "select 2" may go on
    splitter.finish();
    auto second = splitter.next();
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST(second->text == "select 2");
    BOOST_TEST(second->offset == 10u);
    BOOST_TEST(!second->terminated);
    BOOST_TEST(first->terminated);
    BOOST_TEST(!splitter.next().has_value());
}

BOOST_AUTO_TEST_CASE(offsets_point_at_each_statement_in_the_script) {
    const std::string script = "\xEF\xBB\xBF-- head\nselect 1;\n/* c */ select\n 'x';  tail";
    const auto statements = split_pg_statements(script, kPath);
    BOOST_TEST_REQUIRE(statements.size() == 3u);
    for (const auto& s : statements) {
        BOOST_TEST(script.substr(s.offset, s.text.size()) == s.text);
    }
    BOOST_TEST(statements[0].offset == 11u);
    BOOST_TEST(statements[2].text == "tail");
}

// Huge scripts split in linear time, also when a single statement or token is huge and
// arrives in small chunks (rescanning it per chunk would be quadratic). Asserted as a ratio:
// eight times the text must take well under 64 times as long (what a quadratic scan takes),
// so the check holds on any machine and in sanitizer builds; speed itself is scripts/bench's.
namespace {

struct SplitRun {
    std::size_t count = 0;
    std::size_t longest = 0;
    double seconds = 0;
};

SplitRun split_in_small_chunks(std::size_t scale) {
    std::string script;
    const std::string row =
        "insert into t values (1, 'it''s; fine', E'a\\'b', $$x;y$$, \"q;\"); -- c;\n";
    std::size_t rows = 0;
    for (; script.size() < 300'000 * scale; ++rows) {
        script += row;
    }
    script += "create function f() returns text as $body$";
    script.append(100'000 * scale, 'x');
    script += "$body$ language sql;\nselect ";
    script.append(100'000 * scale, 'a');
    script += ";\n";

    SplitRun run;
    const auto start = std::chrono::steady_clock::now();
    PgStatementSplitter splitter(kPath);
    const auto drain = [&] {
        while (auto s = splitter.next()) {
            ++run.count;
            run.longest = std::max(run.longest, s->text.size());
        }
    };
    for (std::size_t at = 0; at < script.size(); at += 4096) {
        splitter.feed(std::string_view(script).substr(at, 4096));
        drain();
    }
    splitter.finish();
    drain();
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(run.count == rows + 2);
    BOOST_TEST(run.longest > 100'000 * scale);
    return run;
}

}  // namespace

BOOST_AUTO_TEST_CASE(eight_times_the_text_in_small_chunks_takes_about_eight_times_as_long) {
    split_in_small_chunks(2);  // warm up allocator and caches
    double best_ratio = 1e9;
    for (int attempt = 0; attempt < 3 && best_ratio >= 24.0; ++attempt) {
        const SplitRun small = split_in_small_chunks(4);
        const SplitRun large = split_in_small_chunks(32);
        const double ratio = large.seconds / std::max(small.seconds, 1e-6);
        BOOST_TEST_MESSAGE("split x4 in " << small.seconds << " s, x32 in " << large.seconds
                                          << " s: ratio " << ratio);
        best_ratio = std::min(best_ratio, ratio);
    }
    BOOST_TEST(best_ratio < 24.0);
}

BOOST_AUTO_TEST_CASE(error_positions_are_characters_mapped_to_file_lines_and_columns) {
    const std::string script =
        "select 1; select x;\nselect\n  foo;\nselect '\xC3\xA9', bar;\r\nselect 1,\r\n  y;";
    const auto s = split_pg_statements(script, kPath);
    BOOST_TEST_REQUIRE(s.size() == 5u);
    const auto at = [&](std::size_t i, int position) {
        const auto loc = pg_error_location(s[i], position);
        return loc ? std::to_string(loc->line) + ":" + std::to_string(loc->column)
                   : std::string("none");
    };
    BOOST_TEST(at(0, 1) == "1:1");
    BOOST_TEST(at(1, 8) == "1:18");   // x, in a statement that starts mid-line
    BOOST_TEST(at(2, 10) == "3:3");   // foo
    BOOST_TEST(at(3, 13) == "4:13");  // bar: é is one character (two bytes)
    BOOST_TEST(at(4, 14) == "6:3");   // y, after a CRLF
    BOOST_TEST(at(2, 13) == "3:6");   // the ';'
    BOOST_TEST(at(2, 14) == "3:7");   // one past the end: "at end of input"
    BOOST_TEST(at(2, 15) == "none");
    BOOST_TEST(at(2, 0) == "none");
    BOOST_TEST(at(2, -3) == "none");
}

// Found by the fuzzer: a stray UTF-8 continuation byte between CR and LF makes them two line
// ends (as the statement's own line numbering and an editor count them), not one CRLF.
BOOST_AUTO_TEST_CASE(a_stray_byte_between_cr_and_lf_separates_two_line_ends) {
    const std::string script = "select 'a\r\xB3\nb', z;";
    const auto s = split_pg_statements(script, kPath);
    BOOST_TEST_REQUIRE(s.size() == 1u);
    const auto loc = pg_error_location(s[0], 16);  // z
    BOOST_TEST_REQUIRE(loc.has_value());
    BOOST_TEST(loc->line == 3);
    BOOST_TEST(loc->column == 5);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
