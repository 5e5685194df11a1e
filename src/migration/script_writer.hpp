// Creates and replaces files for `init`, `revision`, `merge` and `heads --refresh`; with
// script_directory.cpp, the only code outside the database backend that touches disk.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace runner {

struct NewFile {
    std::string path;
    std::string text;
};

// Creates the files in order, and their missing parent directories, never replacing an
// existing file (O_CREAT|O_EXCL). When one cannot be created, removes everything this call
// created and throws Error, so either all files exist afterwards or none of them.
void create_files(const std::vector<NewFile>& files);

// Replaces (or creates) `path` atomically: writes a temporary file beside it, then renames it.
void replace_file(const std::string& path, const std::string& text);

// Whether `path` is a directory with at least one entry (false when it does not exist).
bool is_nonempty_directory(const std::string& path);

// A fresh revision id: 12 lower-case hex digits from /dev/urandom, like Alembic's.
std::string random_revision_id();

}  // namespace runner
