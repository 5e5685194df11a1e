// lock_strategy = table: runner's lock as a row of a table of its own (<version_table>_lock, in
// the version table's schema) holding an owner (host, pid, a random token), when it was taken
// and when its lease expires. Every step is one short autocommit statement on a connection of
// the lock's own: no advisory lock and no session state, so it works through PgBouncer in
// transaction mode and on engines without advisory locks (CockroachDB).
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "db/postgres/pg_session.hpp"

namespace runner {

struct PgLockTable {
    std::string schema;  // empty: the server's default (the first schema of the search_path)
    std::string table;   // <version_table>_lock
    // "schema"."table" (or "table"), quoted
    std::string qualified() const;
    // How messages name it: schema.table
    std::string shown() const;
};

// Who holds the lock row, read back for messages: "host H, pid P, lease until T UTC".
struct PgLockOwner {
    std::string host;
    std::string pid;
    std::string token;
    std::string expires;  // "YYYY-MM-DD HH:MM:SS" UTC
    bool expired = false;
    std::string describe() const;
};

class PgTableLock {
  public:
    // Takes the lock row: inserted when there is none, taken over (compare-and-swap on the old
    // owner's token) when its lease has expired, else polled until `timeout_ms` passes
    // (LockTimeoutError naming the owner). Then renews the lease every third of `lease_ms` on a
    // thread of its own until destroyed, when it deletes the row (if still its own).
    PgTableLock(const std::string& url, const std::string& shown, PgLockTable table, int timeout_ms,
                int lease_ms);
    PgTableLock(const PgTableLock&) = delete;
    PgTableLock& operator=(const PgTableLock&) = delete;
    ~PgTableLock();

    // Throws Error when the lease was lost (not renewed in time, and possibly taken over by
    // another runner): nothing more may run under it.
    void check() const;

    // Readers: waits until no runner holds a live lease on `table` (no row, or an expired
    // one), polling until `timeout_ms` passes (LockTimeoutError naming the owner). Creates
    // nothing.
    static void wait_for_writer(PgSession& session, const PgLockTable& table, int timeout_ms);

  private:
    bool try_take(std::optional<PgLockOwner>& holder);
    void renew_loop();
    void release() noexcept;

    PgSession session_;
    PgLockTable table_;
    int lease_ms_;
    std::string token_;
    std::atomic<bool> lost_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread renewer_;
};

}  // namespace runner
