// libFuzzer target for the migration header parser and the migration checksum: any bytes give a
// header or a HeaderError, prefix scans agree with the whole-file parse, and the checksum ignores
// exactly the edits it promises to ignore.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "migration/header.hpp"
#include "util/checksum.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

const std::string kPath = "fuzz.up.sql";
constexpr std::string_view kBom = "\xEF\xBB\xBF";

[[noreturn]] void fail(std::string_view input, const std::string& what) {
    std::fprintf(stderr, "\nheader_fuzzer: %s\n  input: '%s'\n", what.c_str(),
                 printable(input, 2000).c_str());
    std::abort();
}

std::string list(const std::vector<std::string>& ids) {
    return "[" + join(ids, ",") + "]";
}

// Every field of a header, so two outcomes compare as strings and a failure shows both.
std::string describe(const Header& h) {
    return "revision=" + h.revision + "@" + std::to_string(h.revision_line) +
           " down=" + list(h.down_revisions) + "@" + std::to_string(h.down_revision_line) +
           " labels=" + list(h.branch_labels) + "@" + std::to_string(h.branch_labels_line) +
           " depends_on=" + list(h.depends_on) + "@" + std::to_string(h.depends_on_line) +
           " message='" + printable(h.message) + "' create_date='" + printable(h.create_date) +
           "' transactional=" + (h.transactional ? "true" : "false");
}

void check_header_values(const Header& h, std::string_view input) {
    if (!is_identifier(h.revision)) {
        fail(input, "accepted revision '" + printable(h.revision) + "'");
    }
    if (h.revision_line <= 0 || h.down_revision_line <= 0) {
        fail(input, "accepted a header without revision or down_revision: " + describe(h));
    }
    for (const auto* ids : {&h.down_revisions, &h.branch_labels, &h.depends_on}) {
        for (const auto& id : *ids) {
            if (!is_identifier(id)) {
                fail(input, "accepted list item '" + printable(id) + "'");
            }
        }
    }
}

// Lines as the scanner counts them: ended by LF, CRLF or a lone CR.
std::size_t line_count(std::string_view text) {
    std::size_t n = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool crlf = text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
        n += (text[i] == '\n' || (text[i] == '\r' && !crlf)) ? 1 : 0;
    }
    return n;
}

// The outcome of scanning `text`: the header, "incomplete", or "error: <what()>". Exceptions
// other than HeaderError are findings.
std::string scan(std::string_view text, bool at_eof, std::string_view input) {
    try {
        const auto s = scan_header(text, at_eof, kPath);
        if (!s.complete) {
            if (at_eof) {
                fail(input, "scan_header at end of file says incomplete");
            }
            return "incomplete";
        }
        check_header_values(s.header, input);
        return describe(s.header);
    } catch (const HeaderError& e) {
        const std::string what = e.what();
        if (e.line() < 1 || static_cast<std::size_t>(e.line()) > line_count(text)) {
            fail(input, "error line out of range: " + what);
        }
        if (what != kPath + ":" + std::to_string(e.line()) + ": " + e.reason()) {
            fail(input, "what() is not '<path>:<line>: <reason>': " + what);
        }
        if (what.find_first_of("\r\n") != std::string::npos) {
            fail(input, "error message spans lines: " + printable(what));
        }
        return "error: " + what;
    } catch (const std::exception& e) {
        fail(input, std::string("scan_header threw a non-HeaderError: ") + e.what());
    }
}

// Every line ending of the header grammar (LF) written as CRLF.
std::string lf_to_crlf(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
            out += '\r';
        }
        out += text[i];
    }
    return out;
}

// Splits text at the line endings migration_checksum recognises (CRLF, CR, LF).
std::vector<std::string_view> checksum_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (true) {
        const auto end = text.find_first_of("\r\n");
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) {
            return lines;
        }
        const bool crlf = text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n';
        text.remove_prefix(end + (crlf ? 2 : 1));
    }
}

// The lines joined again with `line_end`, each followed by `blanks`.
std::string rejoin(const std::vector<std::string_view>& lines, std::string_view line_end,
                   std::string_view blanks) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += lines[i];
        out += blanks;
        if (i + 1 < lines.size()) {
            out += line_end;
        }
    }
    return out;
}

// Short inputs are split at every byte. Long ones only inside the BOM and next to CR and LF,
// where the scanner's decisions change: every byte would make each run quadratic in the input
// and the fuzzer several times slower.
bool worth_splitting(std::string_view input, std::size_t n) {
    constexpr std::size_t kSplitEveryByteUpTo = 128;
    const auto line_break = [&](std::size_t i) {
        return i < input.size() && (input[i] == '\n' || input[i] == '\r');
    };
    return input.size() <= kSplitEveryByteUpTo || n <= kBom.size() || n == input.size() ||
           line_break(n) || line_break(n - 1) || line_break(n + 1);
}

void fuzz_header(std::string_view input) {
    const std::string whole = scan(input, true, input);
    try {
        const std::string parsed = describe(parse_header(input, kPath));
        if (parsed != whole) {
            fail(input, "parse_header gives " + parsed + ", scan_header " + whole);
        }
    } catch (const HeaderError& e) {
        if ("error: " + std::string(e.what()) != whole) {
            fail(input,
                 "parse_header throws " + std::string(e.what()) + ", scan_header gives " + whole);
        }
    } catch (const std::exception& e) {
        fail(input, std::string("parse_header threw a non-HeaderError: ") + e.what());
    }

    // The incremental contract the directory loader relies on: a prefix either asks for more or
    // already says what the whole file says.
    for (std::size_t n = 0; n <= input.size(); ++n) {
        if (!worth_splitting(input, n)) {
            continue;
        }
        const std::string part = scan(input.substr(0, n), false, input);
        if (part != "incomplete" && part != whole) {
            fail(input, "prefix of " + std::to_string(n) + " bytes gives " + part +
                            ", whole file " + whole);
        }
    }

    // Documented: CRLF line endings and a UTF-8 BOM are fine.
    const std::string crlf = scan(lf_to_crlf(input), true, input);
    if (crlf != whole) {
        fail(input, "with CRLF: " + crlf + ", with LF: " + whole);
    }
    if (input.substr(0, kBom.size()) != kBom) {
        const std::string bom = scan(std::string(kBom) + std::string(input), true, input);
        if (bom != whole) {
            fail(input, "with a BOM: " + bom + ", without: " + whole);
        }
    }
}

void fuzz_line_checksum(std::string_view input) {
    const std::string sum = line_checksum(input);
    if (sum.size() != 7 + 64 || sum.substr(0, 7) != "sha256:") {
        fail(input, "checksum " + sum);
    }
    const auto lines = checksum_lines(input);
    const auto same = [&](const std::string& edited, const char* edit) {
        if (line_checksum(edited) != sum) {
            fail(input, std::string(edit) + " changed the checksum; edited text '" +
                            printable(edited, 2000) + "'");
        }
    };
    same(rejoin(lines, "\n", ""), "CRLF/CR -> LF");
    same(rejoin(lines, "\r\n", ""), "line endings -> CRLF");
    same(rejoin(lines, "\n", " \t "), "trailing blanks on every line");
    same(std::string(input) + "  \t", "trailing blanks at the end");
    same(std::string(input) + "\n\n \t\r\n\r\n", "trailing blank lines");
    if (input.substr(0, kBom.size()) != kBom) {
        same(std::string(kBom) + std::string(input), "a BOM");
    }
}

// The SQL checksum: fed in any two pieces it gives the whole text's checksum, and line endings
// and a BOM do not change it.
void fuzz_sql_checksum(std::string_view input) {
    const std::string sum = migration_checksum(input);
    if (sum.size() != 11 + 64 || sum.substr(0, 11) != "sql-sha256:") {
        fail(input, "sql checksum " + sum);
    }
    for (std::size_t n = 0; n <= input.size(); ++n) {
        if (!worth_splitting(input, n)) {
            continue;
        }
        ChecksumStream stream;
        stream.update(input.substr(0, n));
        stream.update(input.substr(n));
        if (stream.finish() != sum) {
            fail(input,
                 "sql checksum fed in two pieces split at " + std::to_string(n) + " differs");
        }
    }
    std::string lf;
    for (std::size_t i = 0; i < input.size(); ++i) {
        if (!(input[i] == '\r' && i + 1 < input.size() && input[i + 1] == '\n')) {
            lf += input[i];
        }
    }
    if (migration_checksum(lf) != sum) {
        fail(input, "CRLF -> LF changed the sql checksum");
    }
    if (input.substr(0, kBom.size()) != kBom &&
        migration_checksum(std::string(kBom) + std::string(input)) != sum) {
        fail(input, "a BOM changed the sql checksum");
    }
}

}  // namespace
}  // namespace runner

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    runner::fuzz_header(input);
    runner::fuzz_line_checksum(input);
    runner::fuzz_sql_checksum(input);
    return 0;
}
