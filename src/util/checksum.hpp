// Checksums of migration files, stable across edits that change nothing SQLite runs.
#pragma once

#include <string>
#include <string_view>

namespace runner {

// SHA-256 of `data`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

// The checksum stored for an applied migration: "sql-sha256:" + SHA-256 of what SQLite runs,
// with comments removed and every run of whitespace and comments outside string literals and
// quoted identifiers ('...', "...", `...`, [...]) counted as one space, or as none next to
// ( ) , ; and at the start and end; a leading UTF-8 BOM is dropped and CRLF inside literals
// reads as LF. Editing only comments (the header included), indentation, line breaks or
// line endings is not a change to the migration.
std::string migration_checksum(std::string_view file_text);

// The checksum runner stored before: "sha256:" + SHA-256 of the text with any UTF-8 BOM
// removed, CRLF/CR turned into LF, trailing blanks cut from every line and trailing empty
// lines dropped. Still accepted for migrations recorded with it.
std::string line_checksum(std::string_view file_text);

// Whether `checksum` has the older line_checksum form.
bool is_line_checksum(std::string_view checksum);

// Either checksum computed over a text fed in pieces of any size, in constant memory.
class ChecksumStream {
  public:
    enum class Form { kSql, kLines };
    explicit ChecksumStream(Form form = Form::kSql);
    ChecksumStream(const ChecksumStream&) = delete;
    ChecksumStream& operator=(const ChecksumStream&) = delete;
    ~ChecksumStream();
    void update(std::string_view piece);
    std::string finish();  // "sql-sha256:<hex>" or "sha256:<hex>"

  private:
    struct State;
    State* state_;
};

}  // namespace runner
