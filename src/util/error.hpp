// The error types runner throws; main() maps each to a message on stderr and an exit code.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace runner {

// Exit codes, documented in README.md and `runner --help`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
// `runner check` only: what state the database is in.
inline constexpr int kExitPending = 3;  // migrations not yet applied
inline constexpr int kExitDrift = 4;    // applied migrations were edited since
inline constexpr int kExitPartial = 5;  // a non-transactional migration stopped part-way
// Any command: timed out waiting for a lock another process holds (--lock-timeout).
inline constexpr int kExitLockTimeout = 6;
// `runner check --schema`: the live schema differs from what the migrations produce.
inline constexpr int kExitSchema = 7;
// `runner verify`: a revision's down does not undo its up (or a step failed).
inline constexpr int kExitVerify = 8;
// `runner lint`: at least one error-severity finding that is not silenced.
inline constexpr int kExitLint = 9;

// Any failure a user can act on: a bad file, a bad target, a database error. It carries the
// exit code the program ends with (1 unless said otherwise) and optional detail lines that
// main() prints under the message, indented (e.g. the failing statement's text).
class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& message, int exit_code = kExitError)
        : std::runtime_error(message), exit_code_(exit_code) {}
    explicit Error(const char* message, int exit_code = kExitError)
        : std::runtime_error(message), exit_code_(exit_code) {}
    Error(const std::string& message, std::vector<std::string> details, int exit_code = kExitError)
        : std::runtime_error(message), exit_code_(exit_code), details_(std::move(details)) {}
    int exit_code() const { return exit_code_; }
    const std::vector<std::string>& details() const { return details_; }

  private:
    int exit_code_;
    std::vector<std::string> details_;
};

// The database refused or failed: `code` is the backend's own code for it (SQLite's extended
// result code name today, an SQLSTATE for PostgreSQL), empty when there is none.
class DatabaseError : public Error {
  public:
    DatabaseError(std::string message, std::string code, int exit_code = kExitError)
        : Error(message, exit_code), code_(std::move(code)) {}
    const std::string& code() const { return code_; }

  private:
    std::string code_;
};

// The command line itself is wrong (unknown option, missing argument). Exit 2.
class UsageError : public Error {
  public:
    explicit UsageError(const std::string& message) : Error(message, kExitUsage) {}
};

// Another process held a lock longer than --lock-timeout allows. Exit 6.
class LockTimeoutError : public Error {
  public:
    explicit LockTimeoutError(const std::string& message) : Error(message, kExitLockTimeout) {}
};

}  // namespace runner
