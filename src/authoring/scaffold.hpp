// The files `runner init` creates for a new project. Pure.
#pragma once

#include <string>
#include <vector>

namespace runner {

inline constexpr const char* kConfigFile = "runner.ini";
inline constexpr const char* kDefaultDatabase = "app.db";

struct ScaffoldFile {
    std::string path;
    std::string text;
};

// The migrations directory's templates and empty heads manifest, then a commented runner.ini
// naming `dir` and `db` (both written as given: relative to the runner.ini's directory).
// Throws Error for values runner.ini cannot hold (empty, a '#', a line break).
std::vector<ScaffoldFile> scaffold_files(const std::string& config_path, const std::string& dir,
                                         const std::string& db);

}  // namespace runner
