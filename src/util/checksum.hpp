// Checksums of migration files, stable across line-ending and trailing-whitespace edits.
#pragma once

#include <string>
#include <string_view>

namespace runner {

// SHA-256 of `data`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

// The checksum stored for an applied migration: "sha256:" + SHA-256 of the text with any UTF-8
// BOM removed, CRLF/CR turned into LF, trailing blanks cut from every line and trailing empty
// lines dropped. Editing only those things is not a change to the migration.
std::string migration_checksum(std::string_view file_text);

// The same checksum computed over a text fed in pieces of any size, in constant memory.
class ChecksumStream {
  public:
    ChecksumStream();
    ChecksumStream(const ChecksumStream&) = delete;
    ChecksumStream& operator=(const ChecksumStream&) = delete;
    ~ChecksumStream();
    void update(std::string_view piece);
    std::string finish();  // "sha256:<hex>"

  private:
    struct State;
    State* state_;
};

}  // namespace runner
