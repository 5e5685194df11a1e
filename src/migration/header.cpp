// Parses the `-- key: value` header at the top of a migration file.
//
// Accepted grammar (one line at a time; a UTF-8 BOM before the first line is skipped). A line
// ends at LF, CRLF or a lone CR, as the checksum sees it; but a "--" line ending in a lone CR is
// an error, because SQLite would read everything up to the next LF as part of that comment.
//
//   file        = { header-line | blank-line } rest
//   header-line = *WS "--" *WS key *WS ":" *WS value *WS
//   key         = revision | down_revision | message | create_date | branch_labels
//               | depends_on | transactional | lint_ignore | lock_timeout
//               | statement_timeout   (a near miss of one, such as
//               `revison`, `Revision` or `depends-on`, is an error)
//   blank-line  = *WS
//   rest        = the first line that is neither: SQL, or any other comment (`-- Note: ...`)
//
// The scan is linear and stops at the end of the header: a prefix that ends inside a line that
// already starts like SQL is complete, so a long statement is never read to its end.
//
// revision is an identifier ([A-Za-z0-9_]+: `@ + - :` mean something in targets); down_revision,
// branch_labels and depends_on are comma lists of identifiers (down_revision may be empty: a
// root); transactional is true or false; lint_ignore is a comma list of lint codes
// ([a-z0-9-]+, `runner lint` knows which exist); lock_timeout and statement_timeout are
// durations as PostgreSQL writes them (`5s`, `500ms`, `2min`, `0`; see parse_timeout_ms). Each key
// may appear once; revision and down_revision are required.
#include "migration/header.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "util/text.hpp"

namespace runner {
namespace {

constexpr std::array<std::string_view, 10> kKeys = {
    "revision",   "down_revision", "message",     "create_date",  "branch_labels",
    "depends_on", "transactional", "lint_ignore", "lock_timeout", "statement_timeout"};

// The codes of a lint_ignore value: "code, code", each [a-z0-9-]+ (case folded).
std::vector<std::string> parse_lint_codes(std::string_view value, const std::string& path,
                                          int line_no) {
    std::vector<std::string> codes;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto end = value.find(',', start);
        if (end == std::string_view::npos) {
            end = value.size();
        }
        std::string code(trim(value.substr(start, end - start)));
        for (auto& c : code) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        const bool valid = !code.empty() && std::all_of(code.begin(), code.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        });
        if (!valid) {
            throw HeaderError(path, line_no,
                              "lint_ignore takes a comma-separated list of lint codes such as "
                              "'fk-without-index', not '" +
                                  printable(value) + "' (`runner lint --help` lists the codes)");
        }
        codes.push_back(std::move(code));
        start = end + 1;
    }
    return codes;
}

// Levenshtein distance, for "did you mean" on misspelled keys.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// The known key `key` is a near miss of (a misspelling, a case or '-' slip), or nothing: such a
// line is an error, while any other `-- word: ...` comment ends the header.
std::optional<std::string_view> near_miss(std::string_view key) {
    std::string lower(key);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
        return c == '-' ? '_' : static_cast<char>(std::tolower(c));
    });
    std::optional<std::string_view> best;
    std::size_t best_distance = 3;
    for (const auto known : kKeys) {
        const auto d = edit_distance(lower, known);
        if (d < best_distance) {
            best_distance = d;
            best = known;
        }
    }
    return best;
}

struct KeyValue {
    std::string_view key;
    std::string_view value;
};

// A line shaped like `-- word: value`, or nothing.
std::optional<KeyValue> split_header_line(std::string_view line) {
    line = trim(line);
    if (line.substr(0, 2) != "--") {
        return std::nullopt;
    }
    line.remove_prefix(2);
    line = trim(line);
    // Keys are identifiers; '-' is accepted here only so that "depends-on:" is reported as a
    // misspelled key instead of silently ending the header.
    std::size_t n = 0;
    while (n < line.size() && (is_identifier(line.substr(n, 1)) || (n > 0 && line[n] == '-'))) {
        ++n;
    }
    if (n == 0) {
        return std::nullopt;
    }
    const auto key = line.substr(0, n);
    auto after = trim(line.substr(n));
    if (after.empty() || after.front() != ':') {
        return std::nullopt;
    }
    after.remove_prefix(1);
    return KeyValue{key, trim(after)};
}

// Whether the start of a line already shows that it is SQL, not a header line, a blank line or
// a comment (whose line ending still matters: see the lone-CR check).
bool starts_body(std::string_view partial_line) {
    const auto first = partial_line.find_first_not_of(" \t\f\v");
    if (first == std::string_view::npos) {
        return false;
    }
    if (partial_line[first] != '-') {
        return true;
    }
    return first + 1 < partial_line.size() && partial_line[first + 1] != '-';
}

std::vector<std::string> parse_id_list(std::string_view value, std::string_view key,
                                       const std::string& path, int line) {
    auto ids = split_list(value);
    for (const auto& id : ids) {
        if (!is_identifier(id)) {
            throw HeaderError(path, line,
                              std::string(key) + " '" + printable(id) +
                                  "' is not a valid identifier (letters, digits and '_' only)");
        }
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
        for (std::size_t j = i + 1; j < ids.size(); ++j) {
            if (ids[i] == ids[j]) {
                throw HeaderError(path, line,
                                  std::string(key) + " lists '" + ids[i] + "' more than once");
            }
        }
    }
    return ids;
}

}  // namespace

HeaderError::HeaderError(const std::string& path, int line, const std::string& reason)
    : Error(path + ":" + std::to_string(line) + ": " + reason), line_(line), reason_(reason) {}

HeaderScan scan_header(std::string_view text, bool at_eof, const std::string& path) {
    HeaderScan scan;
    Header& h = scan.header;
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (!at_eof && text.size() < kBom.size() && kBom.substr(0, text.size()) == text) {
        return scan;  // maybe the start of a BOM
    }
    if (text.substr(0, kBom.size()) == kBom) {
        text.remove_prefix(kBom.size());
    }
    std::array<int, kKeys.size()> seen_at{};
    int line_no = 0;
    int first_body_line = 0;
    while (true) {
        // A line ends at LF, CRLF or a lone CR (old Mac), as the checksum sees it.
        const auto nl = text.find_first_of("\r\n");
        if (!at_eof && nl == std::string_view::npos) {
            if (!starts_body(text)) {
                return scan;  // incomplete line: read more
            }
            // The rest of a line that starts like SQL cannot change anything: the header ended.
            first_body_line = line_no + 1;
            break;
        }
        if (nl == std::string_view::npos && text.empty()) {
            break;
        }
        std::string_view line = text;
        bool lone_cr = false;
        if (nl == std::string_view::npos) {
            text = {};
        } else {
            line = text.substr(0, nl);
            const bool crlf = text.compare(nl, 2, "\r\n") == 0;
            lone_cr = text[nl] == '\r' && !crlf;
            text.remove_prefix(nl + (crlf ? 2 : 1));
            if (lone_cr && !at_eof && text.find('\n') == std::string_view::npos) {
                // The CR may be half of a CRLF, and whether SQL follows it before the next LF
                // is not known yet: read more.
                return scan;
            }
        }
        ++line_no;
        if (trim(line).empty()) {
            continue;  // SQLite reads a blank line the same with any ending
        }
        if (lone_cr && trim(line).substr(0, 2) == "--" &&
            !trim(text.substr(0, text.find('\n'))).empty()) {
            // SQLite's "--" comment runs on to the next LF: what follows this line up to there
            // would be part of the comment, and the migration recorded as applied without it.
            throw HeaderError(path, line_no,
                              "this line ends with a lone CR (old Mac line endings), but SQLite "
                              "ends a '--' comment only at LF, so the SQL after it would not run; "
                              "convert the file to LF or CRLF line endings");
        }
        const auto kv = split_header_line(line);
        if (!kv) {
            first_body_line = line_no;
            break;
        }
        const auto known = std::find(kKeys.begin(), kKeys.end(), kv->key);
        if (known == kKeys.end()) {
            if (const auto meant = near_miss(kv->key)) {
                throw HeaderError(path, line_no,
                                  "unknown header key '" + printable(kv->key) +
                                      "' (did you mean '" + std::string(*meant) + "'?)");
            }
            first_body_line = line_no;  // a comment such as "-- Note: ..." ends the header
            break;
        }
        const auto slot = static_cast<std::size_t>(known - kKeys.begin());
        if (seen_at[slot] != 0) {
            throw HeaderError(path, line_no,
                              "header key '" + std::string(kv->key) +
                                  "' appears twice (also line " + std::to_string(seen_at[slot]) +
                                  ")");
        }
        seen_at[slot] = line_no;
        const auto key = kv->key;
        const auto value = kv->value;
        if (key == "revision") {
            if (!is_identifier(value)) {
                throw HeaderError(path, line_no,
                                  value.empty()
                                      ? "revision is empty"
                                      : "revision '" + printable(value) +
                                            "' may contain only letters, digits and '_' "
                                            "('@', '+', '-', ':' have meanings in targets)");
            }
            h.revision = value;
            h.revision_line = line_no;
        } else if (key == "down_revision") {
            h.down_revisions = parse_id_list(value, key, path, line_no);
            h.down_revision_line = line_no;
        } else if (key == "branch_labels") {
            h.branch_labels = parse_id_list(value, key, path, line_no);
            h.branch_labels_line = line_no;
        } else if (key == "depends_on") {
            h.depends_on = parse_id_list(value, key, path, line_no);
            h.depends_on_line = line_no;
        } else if (key == "message") {
            h.message = value;
        } else if (key == "create_date") {
            h.create_date = value;
        } else if (key == "lint_ignore") {
            h.lint_ignore = parse_lint_codes(value, path, line_no);
            h.lint_ignore_line = line_no;
        } else if (key == "lock_timeout" || key == "statement_timeout") {
            const auto ms = parse_timeout_ms(value);
            if (!ms) {
                throw HeaderError(path, line_no,
                                  std::string(key) +
                                      " takes a duration such as '5s', '500ms' or "
                                      "'2min' ('0': no limit), not '" +
                                      printable(value) + "'");
            }
            (key == "lock_timeout" ? h.timeouts.lock_ms : h.timeouts.statement_ms) = *ms;
        } else if (key == "transactional") {
            if (value == "true") {
                h.transactional = true;
            } else if (value == "false") {
                h.transactional = false;
            } else {
                throw HeaderError(
                    path, line_no,
                    "transactional must be 'true' or 'false', not '" + printable(value) + "'");
            }
        }
    }
    scan.complete = true;
    h.body_line = first_body_line;
    const int where = first_body_line != 0 ? first_body_line : std::max(line_no, 1);
    if (h.revision_line == 0 && h.down_revision_line == 0 && seen_at == decltype(seen_at){}) {
        throw HeaderError(path, where,
                          "missing header: a migration file starts with '-- revision: <id>' and "
                          "'-- down_revision: <parent id, or empty for a root>' lines");
    }
    if (h.revision_line == 0) {
        throw HeaderError(path, where, "header has no 'revision' line");
    }
    if (h.down_revision_line == 0) {
        throw HeaderError(path, where,
                          "header has no 'down_revision' line (leave its value empty for a root)");
    }
    return scan;
}

Migration migration_from_headers(const Header& up, const Header& down, std::string up_path,
                                 std::string down_path) {
    Migration m;
    m.revision = up.revision;
    m.down_revisions = up.down_revisions;
    m.branch_labels = up.branch_labels;
    m.depends_on = up.depends_on;
    m.message = up.message;
    m.create_date = up.create_date;
    m.up_path = std::move(up_path);
    m.down_path = std::move(down_path);
    m.up_transactional = up.transactional;
    m.down_transactional = down.transactional;
    m.up_timeouts = up.timeouts;
    m.down_timeouts = down.timeouts;
    m.revision_line = up.revision_line;
    m.down_revision_line = up.down_revision_line;
    m.depends_on_line = up.depends_on_line;
    m.branch_labels_line = up.branch_labels_line;
    return m;
}

std::optional<std::int64_t> parse_timeout_ms(std::string_view value) {
    value = trim(value);
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
        value.back() == value.front()) {
        value = trim(value.substr(1, value.size() - 2));
    }
    std::size_t n = 0;
    std::int64_t number = 0;
    while (n < value.size() && value[n] >= '0' && value[n] <= '9') {
        if (number > 1'000'000'000'000LL) {
            return std::nullopt;
        }
        number = number * 10 + (value[n++] - '0');
    }
    if (n == 0) {
        return std::nullopt;
    }
    const auto unit = trim(value.substr(n));
    std::int64_t scale = 0;
    if (unit.empty() || unit == "ms") {
        scale = 1;
    } else if (unit == "s") {
        scale = 1000;
    } else if (unit == "min") {
        scale = 60'000;
    } else if (unit == "h") {
        scale = 3'600'000;
    } else if (unit == "d") {
        scale = 86'400'000;
    } else {
        return std::nullopt;
    }
    const std::int64_t ms = number * scale;
    // PostgreSQL keeps these settings as a 32-bit count of milliseconds.
    if (ms > 2'147'483'647LL) {
        return std::nullopt;
    }
    return ms;
}

Header parse_header(std::string_view text, const std::string& path) {
    return scan_header(text, true, path).header;
}

}  // namespace runner
