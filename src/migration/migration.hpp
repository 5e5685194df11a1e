// A migration as a value: the pair of files and what their headers declare.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runner {

// How long a migration's statements may wait for a lock, or run, before the server cancels them
// (PostgreSQL's lock_timeout and statement_timeout), in milliseconds; 0 means no limit. Unset:
// the setting the connection already has. From a file's header, else the config file.
struct SessionTimeouts {
    std::optional<std::int64_t> lock_ms;
    std::optional<std::int64_t> statement_ms;
    bool empty() const { return !lock_ms && !statement_ms; }
    // Each value this one leaves unset taken from `defaults`.
    SessionTimeouts or_else(const SessionTimeouts& defaults) const {
        return {lock_ms ? lock_ms : defaults.lock_ms,
                statement_ms ? statement_ms : defaults.statement_ms};
    }
};

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
    SessionTimeouts timeouts;              // `-- lock_timeout: 5s`, `-- statement_timeout: 1min`
    int revision_line = 0;
    int down_revision_line = 0;
    int depends_on_line = 0;
    int branch_labels_line = 0;
    int lint_ignore_line = 0;
    int body_line = 0;  // the first line after the header; 0 when the file is all header
};

// One migration: the up/down pair, keyed by revision. Only headers are read when loading.
struct Migration {
    // The whole up file, when the loader's first read of it reached its end (a file of a few KiB
    // at most): scratch builds run it from memory instead of opening it again. Empty otherwise.
    std::optional<std::string> up_text;
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
    SessionTimeouts up_timeouts;
    SessionTimeouts down_timeouts;
    int revision_line = 0;  // in up_path, for error messages
    int down_revision_line = 0;
    int depends_on_line = 0;
    int branch_labels_line = 0;
};

}  // namespace runner
