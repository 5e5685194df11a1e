// Tests of SHA-256 against published vectors and of which edits change the older line-based
// checksum (still accepted for migrations recorded with it).
#include "util/checksum.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace runner {
namespace {

struct Vector {
    std::string input;
    std::string_view digest;
};

// FIPS 180-4 examples, plus lengths around the 55/56/64-byte padding boundaries (from hashlib).
const Vector kVectors[] = {
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {std::string(55, 'a'), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
    {std::string(56, 'a'), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
    {std::string(63, 'a'), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
    {std::string(64, 'a'), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
    {std::string(65, 'a'), "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
    {std::string("\x00\xff\x80", 3),
     "f742b965f156c10374bc23aea96e3a8aff8facd6fc079defeaa30219ad86f211"},
};

const std::string kMigration =
    "-- revision: abc\n"
    "-- down_revision:\n"
    "CREATE TABLE t (\n"
    "    x int\n"
    ");\n"
    "INSERT INTO t VALUES (1);\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(checksum)

BOOST_AUTO_TEST_CASE(sha256_matches_the_published_test_vectors) {
    for (const auto& v : kVectors) {
        BOOST_TEST_CONTEXT("input of " << v.input.size() << " bytes") {
            BOOST_TEST(sha256_hex(v.input) == v.digest);
        }
    }
}

BOOST_AUTO_TEST_CASE(sha256_of_a_million_a_matches_the_long_vector) {
    BOOST_TEST(sha256_hex(std::string(1000000, 'a')) ==
               "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_CASE(migration_checksum_of_a_known_file_never_changes) {
    // Stored in databases: a different value for the same file would flag every applied
    // migration as edited. The hash is of the normalised text (lines joined by LF, no final LF).
    BOOST_TEST(line_checksum("CREATE TABLE t (\n    x int\n);\nINSERT INTO t VALUES (1);\n") ==
               "sha256:87385ff375bfc85c630cbc53400b6248d2b1d40e4ed194d96d5f394adfdc8d8b");
    BOOST_TEST(line_checksum("SELECT 1;") ==
               "sha256:17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a");
}

BOOST_AUTO_TEST_CASE(migration_checksum_ignores_line_endings_trailing_blanks_and_bom) {
    const std::string base = line_checksum(kMigration);
    const std::pair<std::string_view, std::string> same[] = {
        {"crlf line endings",
         "-- revision: abc\r\n-- down_revision:\r\nCREATE TABLE t (\r\n    x int\r\n);\r\n"
         "INSERT INTO t VALUES (1);\r\n"},
        {"old mac cr line endings",
         "-- revision: abc\r-- down_revision:\rCREATE TABLE t (\r    x int\r);\r"
         "INSERT INTO t VALUES (1);\r"},
        {"mixed line endings",
         "-- revision: abc\r\n-- down_revision:\nCREATE TABLE t (\r    x int\r\n);\n"
         "INSERT INTO t VALUES (1);"},
        {"trailing spaces and tabs",
         "-- revision: abc  \n-- down_revision:\t\nCREATE TABLE t ( \t \n    x int\n);   \n"
         "INSERT INTO t VALUES (1);\t\n"},
        {"trailing blanks before crlf",
         "-- revision: abc \r\n-- down_revision:\r\nCREATE TABLE t (\t\r\n    x int\r\n);\r\n"
         "INSERT INTO t VALUES (1);  \r\n"},
        {"trailing blank lines", kMigration + "\n\n   \n\t\n"},
        {"no final newline", kMigration.substr(0, kMigration.size() - 1)},
        {"utf-8 bom", "\xEF\xBB\xBF" + kMigration},
        {"bom, crlf and trailing blank lines",
         "\xEF\xBB\xBF-- revision: abc\r\n-- down_revision: \r\nCREATE TABLE t (\r\n    x int\r\n"
         ");\r\nINSERT INTO t VALUES (1);\r\n\r\n\r\n"},
    };
    BOOST_TEST(base.substr(0, 7) == "sha256:");
    BOOST_TEST(base.size() == 7 + 64);
    for (const auto& [name, text] : same) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(line_checksum(text) == base);
        }
    }
}

BOOST_AUTO_TEST_CASE(whitespace_only_line_in_the_middle_counts_as_empty) {
    BOOST_TEST(line_checksum("SELECT 1;\n \t \nSELECT 2;\n") ==
               line_checksum("SELECT 1;\n\nSELECT 2;\n"));
}

BOOST_AUTO_TEST_CASE(migration_checksum_changes_with_any_real_edit) {
    const std::string base = line_checksum(kMigration);
    const std::pair<std::string_view, std::string> edited[] = {
        {"one character changed",
         "-- revision: abc\n-- down_revision:\nCREATE TABLE t (\n    x int\n);\n"
         "INSERT INTO t VALUES (2);\n"},
        {"line added in the middle",
         "-- revision: abc\n-- down_revision:\nCREATE TABLE t (\n    x int,\n    y int\n);\n"
         "INSERT INTO t VALUES (1);\n"},
        {"blank line added in the middle",
         "-- revision: abc\n-- down_revision:\nCREATE TABLE t (\n\n    x int\n);\n"
         "INSERT INTO t VALUES (1);\n"},
        {"leading indentation changed",
         "-- revision: abc\n-- down_revision:\nCREATE TABLE t (\n  x int\n);\n"
         "INSERT INTO t VALUES (1);\n"},
        {"indentation turned into a tab",
         "-- revision: abc\n-- down_revision:\nCREATE TABLE t (\n\tx int\n);\n"
         "INSERT INTO t VALUES (1);\n"},
        {"inner spaces changed",
         "-- revision: abc\n-- down_revision:\nCREATE TABLE t (\n    x  int\n);\n"
         "INSERT INTO t VALUES (1);\n"},
        {"two lines joined",
         "-- revision: abc\n-- down_revision:\nCREATE TABLE t (\n    x int\n); "
         "INSERT INTO t VALUES (1);\n"},
        {"line removed", "-- revision: abc\n-- down_revision:\nCREATE TABLE t (\n    x int\n);\n"},
        {"header edited",
         "-- revision: abc\n-- down_revision: p\nCREATE TABLE t (\n    x int\n);\n"
         "INSERT INTO t VALUES (1);\n"},
        {"case changed",
         "-- revision: abc\n-- down_revision:\ncreate table t (\n    x int\n);\n"
         "INSERT INTO t VALUES (1);\n"},
    };
    for (const auto& [name, text] : edited) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(line_checksum(text) != base);
        }
    }
}

BOOST_AUTO_TEST_CASE(streaming_checksum_equals_whole_text_checksum_for_any_chunking) {
    const std::vector<std::string> texts = {
        "\xEF\xBB\xBF-- revision: a\r\n-- down_revision:\r\n\r\nCREATE TABLE t (x);  \r\n\r\n\r\n",
        "\n\n  leading blank lines  \t\n\tkept indent\r\rlone CRs\r\n",
        "\xEF\xBB no full BOM\nend",
        "",
        "   \n\t\n",
    };
    for (const auto& text : texts) {
        const std::string whole = line_checksum(text);
        for (std::size_t size = 1; size <= text.size() + 1; ++size) {
            ChecksumStream stream(ChecksumStream::Form::kLines);
            for (std::size_t at = 0; at < text.size(); at += size) {
                stream.update(std::string_view(text).substr(at, size));
            }
            BOOST_TEST(stream.finish() == whole, "chunk size " << size);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_text_that_only_starts_like_a_bom_is_hashed_as_text) {
    // Found by the header fuzzer: "\xEF" alone hashed like the empty text.
    BOOST_TEST(line_checksum("\xEF") == "sha256:" + sha256_hex("\xEF"));
    BOOST_TEST(line_checksum("\xEF\xBB") == "sha256:" + sha256_hex("\xEF\xBB"));
    BOOST_TEST(line_checksum("\xEF \t ") == line_checksum("\xEF"));
    BOOST_TEST(line_checksum("\xEF\xBB\xBF"
                             "a") == "sha256:" + sha256_hex("a"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner

// Found by the header fuzzer: in a literal, "\r\r\n" converted CRLF -> LF is "\r\n", which must
// checksum alike; CRs that end a line are its line ending, other CRs stay data.
BOOST_AUTO_TEST_CASE(crs_ending_a_line_inside_a_literal_are_its_line_ending) {
    BOOST_TEST(runner::migration_checksum("SELECT 'a\r\r\nb';\n") ==
               runner::migration_checksum("SELECT 'a\r\nb';\n"));
    BOOST_TEST(runner::migration_checksum("SELECT 'a\r\nb';\n") ==
               runner::migration_checksum("SELECT 'a\nb';\n"));
    BOOST_TEST(runner::migration_checksum("SELECT 'a\rb';\n") !=
               runner::migration_checksum("SELECT 'ab';\n"));
    BOOST_TEST(runner::migration_checksum("SELECT 'a\r\rb';\n") !=
               runner::migration_checksum("SELECT 'a\rb';\n"));
}
