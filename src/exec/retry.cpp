// Retrying after lock timeouts, deadlocks and serialization failures: see retry.hpp.
#include "exec/retry.hpp"

#include <algorithm>
#include <ostream>
#include <random>
#include <thread>

namespace runner {

bool is_retryable(const StatementError& e) {
    const std::string& code = e.code();
    if (code == "55P03" || code == "40001" || code == "40P01") {
        return true;
    }
    // query_canceled is also an administrator's pg_cancel_backend: only statement_timeout's.
    return code == "57014" && e.db_message().find("statement timeout") != std::string::npos;
}

std::chrono::milliseconds retry_delay(int failures) {
    const int doublings = std::clamp(failures, 0, 6);
    const auto base = std::min<long long>(250LL << doublings, 15'000);
    static thread_local std::minstd_rand random(std::random_device{}());
    std::uniform_int_distribution<long long> jitter(0, base / 4);
    return std::chrono::milliseconds(base + jitter(random));
}

bool retry_after(const StatementError& e, int failures, int retries, std::ostream& progress,
                 const std::string& what, const std::string& prefix) {
    if (!is_retryable(e)) {
        return false;
    }
    if (failures >= retries) {
        if (retries == 0) {
            return false;
        }
        throw StatementError(e.origin(), e.line(),
                             e.db_message() + "; gave up after " + std::to_string(failures + 1) +
                                 " tries (--retries, or 'retries =' in the config file, sets how "
                                 "many)",
                             e.excerpt(), e.statement(), e.code());
    }
    const auto wait = retry_delay(failures);
    progress << " ... " << e.what() << "; trying " << what << " again in " << wait.count()
             << " ms (retry " << failures + 1 << " of " << retries << ")" << std::endl;
    std::this_thread::sleep_for(wait);
    progress << prefix << std::flush;
    return true;
}

}  // namespace runner
