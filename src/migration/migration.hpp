// A migration as a value: the pair of files and what their headers declare.
#pragma once

#include <string>
#include <vector>

namespace runner {

// What one file's header declares. Line numbers are 1-based lines in that file (0 = absent).
struct Header {
    std::string revision;
    std::vector<std::string> down_revisions;  // empty for a root; two or more for a merge
    std::vector<std::string> branch_labels;
    std::vector<std::string> depends_on;  // revision ids or branch labels
    std::string message;
    std::string create_date;
    bool transactional = true;
    std::vector<std::string> lint_ignore;  // lint codes silenced in this whole file
    int revision_line = 0;
    int down_revision_line = 0;
    int depends_on_line = 0;
    int branch_labels_line = 0;
    int lint_ignore_line = 0;
    int body_line = 0;  // the first line after the header; 0 when the file is all header
};

// One migration: the up/down pair, keyed by revision. Only headers are read when loading.
struct Migration {
    std::string revision;
    std::vector<std::string> down_revisions;
    std::vector<std::string> branch_labels;
    std::vector<std::string> depends_on;
    std::string message;
    std::string create_date;
    std::string up_path;    // as found in the migrations directory
    std::string down_path;  // empty when the pair has no down file
    bool up_transactional = true;
    bool down_transactional = true;
    int revision_line = 0;  // in up_path, for error messages
    int down_revision_line = 0;
    int depends_on_line = 0;
    int branch_labels_line = 0;
};

}  // namespace runner
