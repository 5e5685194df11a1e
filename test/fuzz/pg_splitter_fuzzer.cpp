// libFuzzer target for the PostgreSQL statement splitter: any bytes give statements or a
// PgSplitError; streaming agrees with splitting the whole script; the statements and the gaps
// between them tile the script; a statement split again alone is the same statement; lines,
// columns and error positions agree with an independent count.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "db/postgres/statement_splitter.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

const std::string kPath = "fuzz.sql";
constexpr std::string_view kBom = "\xEF\xBB\xBF";

[[noreturn]] void fail(std::string_view input, const std::string& what) {
    std::fprintf(stderr, "\npg_splitter_fuzzer: %s\n  input: '%s'\n", what.c_str(),
                 printable(input, 2000).c_str());
    std::abort();
}

std::string describe(const PgStatement& s) {
    return std::to_string(static_cast<int>(s.kind)) + "@" + std::to_string(s.offset) + " " +
           std::to_string(s.line) + ":" + std::to_string(s.column) +
           (s.terminated ? " ; '" : " '") + printable(s.text, 200) + "'";
}

// The statements of `text` as comparable strings, or one "error: <what()>". Streams the text
// in chunks of `chunk` bytes (0: all at once).
std::vector<std::string> outcome(std::string_view text, std::size_t chunk,
                                 std::vector<PgStatement>* statements, std::string_view input) {
    std::vector<std::string> out;
    try {
        PgStatementSplitter splitter(kPath);
        const auto take = [&] {
            while (auto s = splitter.next()) {
                out.push_back(describe(*s));
                if (statements != nullptr) {
                    statements->push_back(std::move(*s));
                }
            }
        };
        if (chunk == 0) {
            splitter.feed(text);
        } else {
            for (std::size_t at = 0; at < text.size(); at += chunk) {
                splitter.feed(text.substr(at, chunk));
                take();
            }
        }
        splitter.finish();
        take();
    } catch (const PgSplitError& e) {
        out.assign(1, std::string("error: ") + e.what());
    } catch (const std::exception& e) {
        fail(input, std::string("threw a non-PgSplitError: ") + e.what());
    }
    return out;
}

// Line and column of byte `offset`, counted independently: CR, LF and CRLF end a line; a
// column counts UTF-8 characters; the BOM at offset 0 is no character.
std::pair<int, int> line_and_column(std::string_view text, std::size_t offset) {
    int line = 1;
    int column = 1;
    const std::size_t from = text.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
    for (std::size_t i = from; i < offset; ++i) {
        const char c = text[i];
        if (c == '\n' && i > 0 && text[i - 1] == '\r') {
            continue;
        }
        if (c == '\n' || c == '\r') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++column;
        }
    }
    return {line, column};
}

int line_count(std::string_view text) {
    return line_and_column(text, text.size()).first;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void check_positions(std::string_view input, const PgStatement& s) {
    int position = 0;
    for (std::size_t i = 0; i <= s.text.size() && position < 64; ++i) {
        if (i < s.text.size() && (static_cast<unsigned char>(s.text[i]) & 0xC0) == 0x80) {
            continue;
        }
        ++position;
        const auto loc = pg_error_location(s, position);
        const auto [line, column] = line_and_column(input, s.offset + i);
        if (!loc || loc->line != line || loc->column != column) {
            fail(input, "position " + std::to_string(position) + " of " + describe(s) +
                            " maps to " +
                            (loc ? std::to_string(loc->line) + ":" + std::to_string(loc->column)
                                 : std::string("nothing")) +
                            ", expected " + std::to_string(line) + ":" + std::to_string(column));
        }
    }
    if (pg_error_location(s, 0) || pg_error_location(s, static_cast<int>(s.text.size()) + 2)) {
        fail(input, "an out-of-range position maps to a location in " + describe(s));
    }
}

void fuzz(std::string_view input) {
    std::vector<PgStatement> statements;
    const auto whole = outcome(input, 0, &statements, input);
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, input.size() / 3 + 1}) {
        if (outcome(input, chunk, nullptr, input) != whole) {
            fail(input, "streaming in chunks of " + std::to_string(chunk) +
                            " differs from splitting the whole script");
        }
    }
    if (whole.size() == 1 && whole[0].rfind("error: ", 0) == 0) {
        const std::string what = whole[0].substr(7);
        const auto colon = what.find(':', kPath.size() + 1);
        const int line = std::atoi(what.c_str() + kPath.size() + 1);
        if (what.rfind(kPath + ":", 0) != 0 || colon == std::string::npos || line < 1 ||
            line > line_count(input) || what.find_first_of("\r\n") != std::string::npos) {
            fail(input, "bad error: " + what);
        }
        return;
    }

    std::size_t end = 0;  // of the previous statement
    for (const auto& s : statements) {
        if (s.text.empty() || s.offset < end || input.substr(s.offset, s.text.size()) != s.text) {
            fail(input, "statement not where it says in the script: " + describe(s));
        }
        // The gap before it holds nothing but blanks, comments and empty statements.
        const auto gap = input.substr(end, s.offset - end);
        if (!outcome(gap, 0, nullptr, input).empty()) {
            fail(input, "the gap '" + printable(gap) + "' before " + describe(s) + " holds more");
        }
        end = s.offset + s.text.size();
        const auto [line, column] = line_and_column(input, s.offset);
        if (s.line != line || s.column != column) {
            fail(input, "expected " + std::to_string(line) + ":" + std::to_string(column) +
                            " for " + describe(s));
        }
        if (s.kind == PgStatementKind::kCopyData) {
            continue;
        }
        if (s.terminated && (s.text.back() != ';' || s.kind == PgStatementKind::kMetaCommand)) {
            fail(input, "terminated without ';': " + describe(s));
        }
        if (is_blank(s.text[0]) || s.text.rfind("--", 0) == 0 || s.text.rfind("/*", 0) == 0) {
            fail(input, "statement starts with a blank or a comment: " + describe(s));
        }
        // Split again alone, it is the same statement (unless it starts with BOM bytes, which
        // would then be skipped as a BOM).
        if (s.text.rfind(kBom, 0) != 0) {
            std::vector<PgStatement> alone;
            outcome(s.text, 0, &alone, input);
            if (alone.size() != 1 || alone[0].text != s.text || alone[0].kind != s.kind ||
                alone[0].terminated != s.terminated) {
                fail(input, "split alone, " + describe(s) + " gives " +
                                (alone.empty() ? std::string("nothing") : describe(alone[0])) +
                                (alone.size() > 1 ? " and more" : ""));
            }
        }
        check_positions(input, s);
    }
    const auto tail = input.substr(end);
    if (!outcome(tail, 0, nullptr, input).empty()) {
        fail(input, "the tail '" + printable(tail) + "' holds more");
    }
}

}  // namespace
}  // namespace runner

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    runner::fuzz(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
