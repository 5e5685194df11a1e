// The checksum of what SQLite runs: comments and insignificant whitespace do not count, literals
// and quoted identifiers do, and any chunking gives the same value.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "util/checksum.hpp"

namespace runner {
namespace {

const std::string kBase =
    "-- revision: abc\n-- down_revision:\n-- message: create t\n\n"
    "CREATE TABLE t (x TEXT, y INT);\n"
    "INSERT INTO t VALUES ('a  b -- not a comment /* nor this */', 1);\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(sql_checksum)

BOOST_AUTO_TEST_CASE(the_checksum_is_sha256_of_the_sql_as_it_runs) {
    BOOST_TEST(migration_checksum(kBase) ==
               "sql-sha256:" + sha256_hex("CREATE TABLE t(x TEXT,y INT);INSERT INTO t VALUES('a  b "
                                          "-- not a comment /* nor this */',1);"));
}

BOOST_AUTO_TEST_CASE(comments_header_and_whitespace_edits_do_not_change_it) {
    const std::string sum = migration_checksum(kBase);
    for (const std::string& edited : std::vector<std::string>{
             std::string("-- revision: abc\n-- down_revision:\n-- message: a better message\n\n"
                         "CREATE TABLE t (x TEXT, y INT);\n"
                         "INSERT INTO t VALUES ('a  b -- not a comment /* nor this */', 1);\n"),
             std::string("-- revision: abc\n-- down_revision:\n-- Note: reviewed\n"
                         "/* creates t */ CREATE TABLE t (\n  x TEXT,  -- text\n  y INT\n);\n\n\n"
                         "INSERT INTO t\n\tVALUES ('a  b -- not a comment /* nor this */' , 1) ;"),
             std::string("\xEF\xBB\xBF-- revision: abc\r\n-- down_revision:\r\n\r\n"
                         "CREATE  TABLE  t (x TEXT, y INT);\r\n"
                         "INSERT INTO t VALUES ('a  b -- not a comment /* nor this */', 1);\r\n"),
             std::string("CREATE/**/TABLE t(x TEXT,y INT);INSERT INTO t VALUES('a  b -- not a "
                         "comment /* nor this */',1);"),
         }) {
        BOOST_TEST_CONTEXT(edited) {
            BOOST_TEST(migration_checksum(edited) == sum);
        }
    }
}

BOOST_AUTO_TEST_CASE(edits_to_what_runs_change_it) {
    const std::string sum = migration_checksum(kBase);
    for (const std::string& edited : std::vector<std::string>{
             std::string("CREATE TABLE t (x TEXT, y INT);\n"
                         "INSERT INTO t VALUES ('a b -- not a comment /* nor this */', 1);\n"),
             std::string("CREATE TABLE t (x TEXT, y INT);\n"
                         "INSERT INTO t VALUES ('a  b -- not a comment /* nor this */', 2);\n"),
             std::string("CREATE TABLE t (x TEXT, y INTEGER);\n"
                         "INSERT INTO t VALUES ('a  b -- not a comment /* nor this */', 1);\n"),
             std::string("CREATE TABLE \"t\" (x TEXT, y INT);\n"
                         "INSERT INTO t VALUES ('a  b -- not a comment /* nor this */', 1);\n"),
             std::string(
                 "CREATE TABLE t (x TEXT, y INT);\n"
                 "INSERT INTO t VALUES ('a  b -- not a comment /* nor this */', 1 - -1);\n"),
         }) {
        BOOST_TEST_CONTEXT(edited) {
            BOOST_TEST(migration_checksum(edited) != sum);
        }
    }
    // Two literals are not one literal with a quote in it.
    BOOST_TEST(migration_checksum("SELECT 'a' 'b';") != migration_checksum("SELECT 'a''b';"));
    // A minus sign before a negative number is not a comment.
    BOOST_TEST(migration_checksum("SELECT 1 - -1;") != migration_checksum("SELECT 1;"));
}

BOOST_AUTO_TEST_CASE(streaming_gives_the_same_checksum_for_any_chunking) {
    const std::vector<std::string> texts = {
        kBase,
        "\xEF\xBB\xBF-- x\r\nSELECT 'a\r\nb' , [q -- r] , `s /* t */`;\r\n-",
        "SELECT 1 /* never closed",
        "SELECT 'never closed\r",
        "-",
        "",
    };
    for (const auto& text : texts) {
        const std::string whole = migration_checksum(text);
        for (std::size_t size = 1; size <= text.size() + 1; ++size) {
            ChecksumStream stream;
            for (std::size_t at = 0; at < text.size(); at += size) {
                stream.update(std::string_view(text).substr(at, size));
            }
            BOOST_TEST(stream.finish() == whole, "chunk size " << size);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner
