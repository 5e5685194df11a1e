// Tests of the migration-file header grammar: tables of accepted and rejected headers.
#include "migration/header.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace runner {
namespace {

const std::string kPath = "migrations/0001_init.up.sql";

std::string list(const std::vector<std::string>& ids) {
    std::string out = "[";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        out += (i > 0 ? "," : "") + ids[i];
    }
    return out + "]";
}

// Every field of a header on one line; fields still at their default are left out (except
// transactional), so a table row reads like the header it expects.
std::string describe(const Header& h) {
    std::string out = "revision=" + h.revision + "(" + std::to_string(h.revision_line) + ")";
    out += " down=" + list(h.down_revisions) + "(" + std::to_string(h.down_revision_line) + ")";
    if (!h.branch_labels.empty() || h.branch_labels_line != 0) {
        out +=
            " labels=" + list(h.branch_labels) + "(" + std::to_string(h.branch_labels_line) + ")";
    }
    if (!h.depends_on.empty() || h.depends_on_line != 0) {
        out += " depends_on=" + list(h.depends_on) + "(" + std::to_string(h.depends_on_line) + ")";
    }
    if (!h.message.empty()) {
        out += " message='" + h.message + "'";
    }
    if (!h.create_date.empty()) {
        out += " create_date='" + h.create_date + "'";
    }
    out += h.transactional ? " transactional" : " non-transactional";
    return out;
}

// The header parse_header reads, or "error: <what()>".
std::string parse(std::string_view text) {
    try {
        return describe(parse_header(text, kPath));
    } catch (const HeaderError& e) {
        return std::string("error: ") + e.what();
    }
}

constexpr std::string_view kLoneCr =
    "this line ends with a lone CR (old Mac line endings), but SQLite ends a '--' comment only "
    "at LF, so the SQL after it would not run; convert the file to LF or CRLF line endings";

struct GoodHeader {
    std::string_view name;
    std::string_view text;
    std::string_view expected;
};

const GoodHeader kGoodHeaders[] = {
    {"root with an empty down_revision",
     "-- revision: abc\n-- down_revision:\nCREATE TABLE t (x int);\n",
     "revision=abc(1) down=[](2) transactional"},
    {"every key",
     "-- revision: ae10_add_orders\n"
     "-- down_revision: 3f1c2a9e7b10\n"
     "-- message: add orders: with a colon in the message\n"
     "-- create_date: 2024-05-01 12:30:00.123456\n"
     "-- branch_labels: orders, billing\n"
     "-- depends_on: 7d4e, audit\n"
     "-- transactional: false\n"
     "CREATE TABLE orders (id integer);\n",
     "revision=ae10_add_orders(1) down=[3f1c2a9e7b10](2) labels=[orders,billing](5) "
     "depends_on=[7d4e,audit](6) message='add orders: with a colon in the message' "
     "create_date='2024-05-01 12:30:00.123456' non-transactional"},
    {"transactional true", "-- revision: a\n-- down_revision:\n-- transactional: true\n",
     "revision=a(1) down=[](2) transactional"},
    {"comma list makes a merge", "-- revision: m\n-- down_revision: a,b ,  c\n",
     "revision=m(1) down=[a,b,c](2) transactional"},
    {"keys in any order", "-- down_revision: p\n-- revision: abc\n",
     "revision=abc(2) down=[p](1) transactional"},
    {"crlf line endings",
     "-- revision: abc\r\n-- down_revision: p\r\n-- message: crlf file\r\n\r\nSELECT 1;\r\n",
     "revision=abc(1) down=[p](2) message='crlf file' transactional"},
    {"utf-8 bom before the first line", "\xEF\xBB\xBF-- revision: abc\n-- down_revision: p\n",
     "revision=abc(1) down=[p](2) transactional"},
    {"bom and crlf", "\xEF\xBB\xBF-- revision: abc\r\n-- down_revision:\r\nSELECT 1;\r\n",
     "revision=abc(1) down=[](2) transactional"},
    // A lone CR ends a line, as in the checksum; a blank line may end with one (SQLite
    // reads it as a blank), and a CR right before a CRLF is one blank line more.
    {"lone cr ending a blank line", "\r-- revision: abc\n-- down_revision:\n\r\rSELECT 1;\n",
     "revision=abc(2) down=[](3) transactional"},
    {"cr before crlf on a header line (only blanks before the next lf)",
     "-- revision: abc\r\r\n-- down_revision: \r \t\r\nSELECT 1;\n",
     "revision=abc(1) down=[](3) transactional"},
    {"cr before crlf", "-- revision: abc\n\r\r\n-- down_revision:\nSELECT 1;\n",
     "revision=abc(1) down=[](4) transactional"},
    {"blank and whitespace-only lines inside the header",
     "\n-- revision: abc\n\n \t\n-- down_revision: p\n\nSELECT 1;\n",
     "revision=abc(2) down=[p](5) transactional"},
    {"no spaces and extra spaces", "--revision:abc\n  --   down_revision  :   p  \n",
     "revision=abc(1) down=[p](2) transactional"},
    {"tabs as spaces", "--\trevision:\tabc\n--\tdown_revision:\tp\t\n",
     "revision=abc(1) down=[p](2) transactional"},
    {"values are trimmed", "-- revision: a\n-- down_revision:\n-- message:   hello world   \n",
     "revision=a(1) down=[](2) message='hello world' transactional"},
    {"header ends at the first sql line",
     "-- revision: abc\n-- down_revision: p\nCREATE TABLE t (x int);\n"
     "-- revison: a typo below the SQL is not header\n-- depends_on: q\n",
     "revision=abc(1) down=[p](2) transactional"},
    {"header ends at a comment not shaped like a key",
     "-- revision: abc\n-- down_revision: p\n-- Adds table t. Reviewed by ops.\n"
     "-- depends_on: q\nCREATE TABLE t (x int);\n",
     "revision=abc(1) down=[p](2) transactional"},
    {"header ends at a bare comment marker",
     "-- revision: abc\n-- down_revision: p\n--\n"
     "-- depends_on: q\n",
     "revision=abc(1) down=[p](2) transactional"},
    {"header ends at a free comment shaped like a key",
     "-- revision: abc\n-- down_revision: p\n-- note: adds t\n-- see-also: q\n",
     "revision=abc(1) down=[p](2) transactional"},
    {"no newline at the end of the file", "-- revision: abc\n-- down_revision: p",
     "revision=abc(1) down=[p](2) transactional"},
};

struct BadHeader {
    std::string_view name;
    std::string_view text;
    int line;
    std::string_view reason;
};

constexpr std::string_view kMissingHeader =
    "missing header: a migration file starts with '-- revision: <id>' and "
    "'-- down_revision: <parent id, or empty for a root>' lines";
constexpr std::string_view kNoDownRevision =
    "header has no 'down_revision' line (leave its value empty for a root)";

const BadHeader kBadHeaders[] = {
    {"empty file", "", 1, kMissingHeader},
    {"only sql", "CREATE TABLE t (x int);\n", 1, kMissingHeader},
    {"plain comment before the sql", "\n\n-- add users table\nCREATE TABLE users (id int);\n", 3,
     kMissingHeader},
    {"missing down_revision", "-- revision: abc\nSELECT 1;\n", 2, kNoDownRevision},
    {"missing down_revision at end of file", "-- revision: abc\n", 1, kNoDownRevision},
    {"missing revision", "-- down_revision: p\n-- message: m\nSELECT 1;\n", 3,
     "header has no 'revision' line"},
    {"misspelled revision", "-- revison: abc\n-- down_revision: p\n", 1,
     "unknown header key 'revison' (did you mean 'revision'?)"},
    {"misspelled down_revision", "-- revision: abc\n-- down_revison: p\n", 2,
     "unknown header key 'down_revison' (did you mean 'down_revision'?)"},
    {"misspelled depends_on", "-- revision: abc\n-- down_revision: p\n-- dependson: q\n", 3,
     "unknown header key 'dependson' (did you mean 'depends_on'?)"},
    {"keys are case sensitive", "-- Revision: abc\n-- down_revision: p\n", 1,
     "unknown header key 'Revision' (did you mean 'revision'?)"},
    {"dashed key is a misspelling, not the end of the header",
     "-- revision: abc\n-- down_revision: p\n-- depends-on: q\n", 3,
     "unknown header key 'depends-on' (did you mean 'depends_on'?)"},
    {"duplicate revision", "-- revision: abc\n-- down_revision: p\n-- revision: abd\n", 3,
     "header key 'revision' appears twice (also line 1)"},
    {"duplicate message", "-- message: a\n-- revision: abc\n\n-- message: b\n", 4,
     "header key 'message' appears twice (also line 1)"},
    {"empty revision", "-- revision:\n-- down_revision:\n", 1, "revision is empty"},
    {"dash in revision", "-- revision: abc-1\n-- down_revision:\n", 1,
     "revision 'abc-1' may contain only letters, digits and '_' ('@', '+', '-', ':' have "
     "meanings in targets)"},
    {"at sign in revision", "-- revision: a@b\n", 1,
     "revision 'a@b' may contain only letters, digits and '_' ('@', '+', '-', ':' have meanings "
     "in targets)"},
    {"colon in revision", "-- revision: a:b\n", 1,
     "revision 'a:b' may contain only letters, digits and '_' ('@', '+', '-', ':' have meanings "
     "in targets)"},
    {"plus in revision", "-- down_revision:\n-- revision: a+b\n", 2,
     "revision 'a+b' may contain only letters, digits and '_' ('@', '+', '-', ':' have meanings "
     "in targets)"},
    {"space in revision", "-- revision: a b\n", 1,
     "revision 'a b' may contain only letters, digits and '_' ('@', '+', '-', ':' have meanings "
     "in targets)"},
    {"non-ascii revision is quoted printably", "-- revision: caf\xC3\xA9\n", 1,
     "revision 'caf\\xc3\\xa9' may contain only letters, digits and '_' ('@', '+', '-', ':' have "
     "meanings in targets)"},
    {"bad id in down_revision", "-- revision: abc\n-- down_revision: p, q-1\n", 2,
     "down_revision 'q-1' is not a valid identifier (letters, digits and '_' only)"},
    {"bad branch label", "-- revision: abc\n-- down_revision:\n-- branch_labels: orders@x\n", 3,
     "branch_labels 'orders@x' is not a valid identifier (letters, digits and '_' only)"},
    {"bad dependency", "-- revision: abc\n-- down_revision:\n-- depends_on: a:b\n", 3,
     "depends_on 'a:b' is not a valid identifier (letters, digits and '_' only)"},
    {"duplicate parent", "-- revision: m\n-- down_revision: a, b, a\n", 2,
     "down_revision lists 'a' more than once"},
    {"duplicate label", "-- revision: m\n-- down_revision:\n-- branch_labels: x,x\n", 3,
     "branch_labels lists 'x' more than once"},
    {"duplicate dependency", "-- revision: m\n-- down_revision:\n-- depends_on: d, d\n", 3,
     "depends_on lists 'd' more than once"},
    {"transactional yes", "-- revision: a\n-- down_revision:\n-- transactional: yes\n", 3,
     "transactional must be 'true' or 'false', not 'yes'"},
    {"transactional is lower case", "-- revision: a\n-- down_revision:\n-- transactional: True\n",
     3, "transactional must be 'true' or 'false', not 'True'"},
    {"transactional empty", "-- revision: a\n-- down_revision:\n-- transactional:\n", 3,
     "transactional must be 'true' or 'false', not ''"},
    // SQLite ends a "--" comment only at LF: after a lone CR the SQL would be comment, and the
    // migration would be recorded as applied without running.
    {"cr-only header (old Mac)",
     "-- revision: abc\r-- down_revision:\r-- message: x\rCREATE TABLE t (x);\r", 1, kLoneCr},
    {"cr-only header with a bad key", "-- revison: abc\r-- down_revision:\r", 1, kLoneCr},
    {"one lone cr after lf lines",
     "-- revision: abc\n-- down_revision:\n-- message: x\rSELECT 1;\n", 3, kLoneCr},
    {"comment below the header ending in a lone cr",
     "-- revision: abc\r\n-- down_revision:\r\n-- see ticket 12\rDROP TABLE t;\r\n", 3, kLoneCr},
    {"crlf lines are counted once", "-- revision: abc\r\n\r\n-- down_revison: p\r\n", 3,
     "unknown header key 'down_revison' (did you mean 'down_revision'?)"},
    {"bom does not shift line numbers", "\xEF\xBB\xBF-- revison: abc\n", 1,
     "unknown header key 'revison' (did you mean 'revision'?)"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(header)

BOOST_AUTO_TEST_CASE(accepts_every_good_header_in_the_table) {
    for (const auto& c : kGoodHeaders) {
        BOOST_TEST_CONTEXT(c.name) {
            BOOST_TEST(parse(c.text) == c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(rejects_every_bad_header_in_the_table_naming_path_and_line) {
    for (const auto& c : kBadHeaders) {
        BOOST_TEST_CONTEXT(c.name) {
            const std::string expected =
                "error: " + kPath + ":" + std::to_string(c.line) + ": " + std::string(c.reason);
            BOOST_TEST(parse(c.text) == expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(header_error_exposes_line_and_reason_separately) {
    try {
        parse_header("-- revision: abc\n\n-- revison: x\n", "versions/a.up.sql");
        BOOST_FAIL("a misspelled key was accepted");
    } catch (const HeaderError& e) {
        BOOST_TEST(e.line() == 3);
        BOOST_TEST(e.reason() == "unknown header key 'revison' (did you mean 'revision'?)");
        BOOST_TEST(std::string(e.what()) ==
                   "versions/a.up.sql:3: unknown header key 'revison' (did you mean 'revision'?)");
    }
}

BOOST_AUTO_TEST_CASE(header_error_is_a_runner_error) {
    BOOST_CHECK_THROW(parse_header("", kPath), Error);
}

BOOST_AUTO_TEST_CASE(scan_of_a_prefix_ending_inside_a_line_is_incomplete) {
    const auto scan = scan_header("-- revision: abc\n-- down_rev", false, kPath);
    BOOST_TEST(!scan.complete);
}

BOOST_AUTO_TEST_CASE(scan_of_a_prefix_holding_only_header_lines_is_incomplete) {
    // More header lines could follow, so neither the end of the header nor a missing
    // down_revision is known yet.
    BOOST_TEST(!scan_header("-- revision: abc\n", false, kPath).complete);
    BOOST_TEST(!scan_header("-- revision: abc\n-- down_revision: p\n", false, kPath).complete);
    BOOST_TEST(!scan_header("", false, kPath).complete);
}

BOOST_AUTO_TEST_CASE(scan_is_complete_once_a_body_line_is_seen) {
    const auto scan = scan_header("-- revision: abc\n-- down_revision: p\nCREATE TABLE t (\n  x in",
                                  false, kPath);
    BOOST_TEST(scan.complete);
    BOOST_TEST(describe(scan.header) == "revision=abc(1) down=[p](2) transactional");
}

BOOST_AUTO_TEST_CASE(scan_at_end_of_file_is_complete) {
    const auto scan = scan_header("-- revision: abc\n-- down_revision: p", true, kPath);
    BOOST_TEST(scan.complete);
    BOOST_TEST(scan.header.revision == "abc");
}

BOOST_AUTO_TEST_CASE(every_prefix_scan_is_incomplete_or_agrees_with_the_whole_file) {
    const std::string good =
        "\xEF\xBB\xBF-- revision: abc\r\n-- down_revision: p, q\r\n\r\n-- depends_on: d\r\n"
        "CREATE TABLE t (x int);\r\nINSERT INTO t VALUES (1);\r\n";
    const std::string whole = describe(parse_header(good, kPath));
    for (std::size_t n = 0; n <= good.size(); ++n) {
        BOOST_TEST_CONTEXT("prefix of " << n << " bytes") {
            const auto scan = scan_header(std::string_view(good).substr(0, n), false, kPath);
            if (scan.complete) {
                BOOST_TEST(describe(scan.header) == whole);
            }
        }
    }
    BOOST_TEST(scan_header(good, false, kPath).complete);
}

BOOST_AUTO_TEST_CASE(scan_of_a_prefix_ending_in_cr_is_incomplete) {
    // The CR may be the first half of a CRLF.
    BOOST_TEST(!scan_header("-- revision: abc\r", false, kPath).complete);
    BOOST_TEST(!scan_header("-- revision: abc\r\n-- down_revision: p\r", false, kPath).complete);
}

// The directory loader scans growing prefixes of a file: each must ask for more, or already
// give the whole file's error.
void expect_every_prefix_incomplete_or(const std::string& text, const std::string& whole) {
    for (std::size_t n = 0; n <= text.size(); ++n) {
        BOOST_TEST_CONTEXT("prefix of " << n << " bytes") {
            try {
                const auto scan = scan_header(std::string_view(text).substr(0, n), false, kPath);
                BOOST_TEST(!scan.complete);
            } catch (const HeaderError& e) {
                BOOST_TEST("error: " + std::string(e.what()) == whole);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(every_prefix_scan_of_a_cr_only_header_is_incomplete_or_the_same_error) {
    const std::string cr = "-- revision: abc\r-- down_revision:\r-- message: x\rSELECT 1;\r";
    const std::string whole = parse(cr);
    BOOST_TEST(whole == "error: " + kPath + ":1: " + std::string(kLoneCr));
    expect_every_prefix_incomplete_or(cr, whole);
}

BOOST_AUTO_TEST_CASE(a_lone_cr_is_judged_only_once_the_rest_of_its_line_is_read) {
    // Found by the header fuzzer: with the prefix "...f-\r " the scanner saw only blanks after
    // the lone CR, let the line through and reported the bad revision; the whole file has more
    // before the next LF, so it is the lone-CR error. Both must say the same.
    const std::string text = "-- revision: f-\r dow_revisin:\n-- transactional: true\n";
    const std::string whole = parse(text);
    BOOST_TEST(whole == "error: " + kPath + ":1: " + std::string(kLoneCr));
    expect_every_prefix_incomplete_or(text, whole);
}

BOOST_AUTO_TEST_CASE(every_prefix_scan_of_a_bad_header_is_incomplete_or_the_same_error) {
    const std::string bad = "-- revision: abc\n-- down_revision: p\n-- revison: x\nSELECT 1;\n";
    const std::string whole = parse(bad);
    BOOST_TEST(whole ==
               "error: " + kPath + ":3: unknown header key 'revison' (did you mean 'revision'?)");
    expect_every_prefix_incomplete_or(bad, whole);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
