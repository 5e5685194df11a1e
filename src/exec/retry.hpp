// Trying a migration (or one statement of a non-transactional one) again after it failed only
// because of other sessions: a lock timeout, a statement timeout, a deadlock, a serialization
// failure. Each failed try is one line on the progress stream; the waits grow exponentially.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

#include "db/connection.hpp"

namespace runner {

// Whether `e` failed because of other sessions, so that running the same thing again may
// succeed: SQLSTATE 55P03 (lock_not_available: lock_timeout, NOWAIT), 40001
// (serialization_failure), 40P01 (deadlock_detected), or 57014 from statement_timeout.
bool is_retryable(const StatementError& e);

// How long to wait before retry number `failures` + 1: 250 ms doubling up to 15 s, plus up to a
// quarter more at random so that runners that failed together do not retry together.
std::chrono::milliseconds retry_delay(int failures);

// After `e` failed `failures` earlier times: false when it is not retryable (the caller throws
// it); true after writing " ... <error>; trying <what> again in N ms (retry k of R)" to end the
// open progress line, waiting, and writing `prefix` (the progress line restarted). When `retries`
// are used up, throws `e` with how many tries were made added.
bool retry_after(const StatementError& e, int failures, int retries, std::ostream& progress,
                 const std::string& what, const std::string& prefix);

}  // namespace runner
