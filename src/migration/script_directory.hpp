// Lists and reads migration files: the only code besides the database backend that touches disk.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "migration/migration.hpp"

namespace runner {

inline constexpr const char* kUpSuffix = ".up.sql";
inline constexpr const char* kDownSuffix = ".down.sql";
// The heads manifest: the directory's head revision ids, so git sees concurrent new heads.
inline constexpr const char* kHeadsManifestFile = "HEADS";

// Loads every `*.up.sql`/`*.down.sql` pair in `dir`, reading only the headers. The result is in
// file-name order. Throws Error for a missing directory or half of a pair, a header that does
// not parse, or an up/down pair whose headers disagree.
std::vector<Migration> load_migrations(const std::string& dir);

// `<dir>/HEADS`, spelled like the migration paths the loader returns.
std::string heads_manifest_path(const std::string& dir);
// The heads manifest's text, or nullopt when the directory has none (the file is optional).
std::optional<std::string> read_heads_manifest(const std::string& dir);

// Reads a whole file (a migration body, when it is about to run).
std::string read_file(const std::string& path);

}  // namespace runner
