// The error types runner throws; main() maps each to a message on stderr and an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace runner {

// Exit codes, documented in README.md and `runner --help`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
// `runner check` only: what state the database is in.
inline constexpr int kExitPending = 3;  // migrations not yet applied
inline constexpr int kExitDrift = 4;    // applied migrations were edited since
inline constexpr int kExitPartial = 5;  // a non-transactional migration stopped part-way

// Any failure a user can act on: a bad file, a bad target, a database error. Exit 1.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The command line itself is wrong (unknown option, missing argument). Exit 2.
class UsageError : public Error {
  public:
    using Error::Error;
};

}  // namespace runner
