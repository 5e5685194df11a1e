// Lists and reads migration files: the only code besides the database backend that touches disk.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "migration/migration.hpp"
#include "util/checksum.hpp"
#include "util/text_source.hpp"

namespace runner {

inline constexpr const char* kUpSuffix = ".up.sql";
inline constexpr const char* kDownSuffix = ".down.sql";
// The heads manifest: the directory's head revision ids, so git sees concurrent new heads.
inline constexpr const char* kHeadsManifestFile = "HEADS";

// Loads every `*.up.sql`/`*.down.sql` pair in `dir`, reading only the headers. The result is in
// file-name order. Throws Error for a missing directory or half of a pair, a header that does
// not parse, or an up/down pair whose headers disagree. Editor and OS droppings (hidden files,
// "x~", swap files) are skipped; other `.sql` files that are not migrations are skipped with a
// one-line warning each in `warnings` (when given), in file-name order. Directories of 512 pairs
// or more are read by `threads` threads (0: one per core, at most four); the result and the error
// reported are the same as reading one file after another.
std::vector<Migration> load_migrations(const std::string& dir,
                                       std::vector<std::string>* warnings = nullptr,
                                       unsigned threads = 0);

// `<dir>/HEADS`, spelled like the migration paths the loader returns.
std::string heads_manifest_path(const std::string& dir);
// The heads manifest's text, or nullopt when the directory has none (the file is optional).
std::optional<std::string> read_heads_manifest(const std::string& dir);

// Reads a whole file.
std::string read_file(const std::string& path);
// Reads a whole file, or nothing when it does not exist.
std::optional<std::string> read_file_if_exists(const std::string& path);

// A file opened for reading, closed when it goes out of scope; errors name the file.
class InputFile {
  public:
    enum class IfMissing { kFail, kStayClosed };
    // Opens `path`; a file that does not exist fails, or with kStayClosed leaves it closed.
    explicit InputFile(std::string path, IfMissing if_missing = IfMissing::kFail);
    ~InputFile();
    bool is_open() const { return fd_ >= 0; }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;
    // Reads up to `size` bytes into `into`; 0 at the end.
    std::size_t read(char* into, std::size_t size);
    // Whether it is a regular file (a short read is its end), and then its size when opened.
    bool regular() const { return regular_; }
    std::size_t size() const { return size_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    int fd_;
    bool regular_ = false;
    std::size_t size_ = 0;
};

// A migration body read in chunks, checksummed (migration_checksum) as it goes. For large files
// the checksum runs on a second thread, so hashing overlaps the database's work.
class FileSource final : public TextSource {
  public:
    explicit FileSource(const std::string& path);
    ~FileSource() override;
    bool read(std::string& buffer) override;
    // The checksum of everything read; call after read() returned false.
    std::string checksum();

  private:
    class Hasher;
    InputFile file_;
    std::size_t chunk_size_;         // a chunk, or less for a smaller file
    std::unique_ptr<char[]> chunk_;  // reused for every read, never zero-filled
    ChecksumStream checksum_;
    std::unique_ptr<Hasher> hasher_;  // only for files of a chunk or more
    bool at_end_ = false;
};

// migration_checksum (or the older line_checksum) of a file, read in chunks.
std::string file_checksum(const std::string& path,
                          ChecksumStream::Form form = ChecksumStream::Form::kSql);

}  // namespace runner
