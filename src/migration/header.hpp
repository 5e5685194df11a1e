// Parses the `-- key: value` header at the top of a migration file. Pure: text in, values out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "migration/migration.hpp"
#include "util/error.hpp"

namespace runner {

// A malformed header. what() is "<path>:<line>: <reason>", one line.
class HeaderError : public Error {
  public:
    HeaderError(const std::string& path, int line, const std::string& reason);
    int line() const { return line_; }
    const std::string& reason() const { return reason_; }

  private:
    int line_;
    std::string reason_;
};

// Result of scanning a prefix of a file.
struct HeaderScan {
    Header header;
    bool complete = false;  // false: the prefix ended inside the header; read more and rescan
};

// Scans the header at the start of `text` (a prefix of the file named `path`, or all of it when
// `at_eof`). Throws HeaderError for a malformed header once `complete` would be true.
HeaderScan scan_header(std::string_view text, bool at_eof, const std::string& path);

// A lock_timeout / statement_timeout value as PostgreSQL writes it: a whole number with an
// optional unit (ms, s, min, h, d; none means milliseconds), "0" for no limit. Milliseconds, or
// nullopt when it is not one.
std::optional<std::int64_t> parse_timeout_ms(std::string_view value);

// Convenience for whole files held in memory.
Header parse_header(std::string_view text, const std::string& path);

// The migration an up/down pair declares (graph keys and line numbers from the up file).
Migration migration_from_headers(const Header& up, const Header& down, std::string up_path,
                                 std::string down_path);

}  // namespace runner
