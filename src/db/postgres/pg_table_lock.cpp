// lock_strategy = table: see pg_table_lock.hpp. Times are the server's (now()), so clocks of
// the machines runners run on need not agree.
#include "db/postgres/pg_table_lock.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <random>

#include "schema/render_pg.hpp"
#include "util/error.hpp"

namespace runner {

namespace {

// The SQL that reads the row: host, pid, token, expiry in UTC, whether it has expired.
std::string read_sql(const PgLockTable& table) {
    return "SELECT host, pid::text, token, "
           "to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), "
           "(expires_at <= now())::text FROM " +
           table.qualified() + " WHERE id = 1";
}

std::optional<PgLockOwner> read_owner(PgSession& session, const PgLockTable& table) {
    const auto rows = session.query(read_sql(table), {}, "reading runner's lock row");
    if (rows.empty()) {
        return std::nullopt;
    }
    const auto& r = rows.front();
    return PgLockOwner{r[0].value_or(""), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""),
                       r[4].value_or("") == "true"};
}

bool table_exists(PgSession& session, const PgLockTable& table) {
    return session
               .scalar("SELECT pg_catalog.to_regclass($1) IS NOT NULL", {table.qualified()},
                       "looking for runner's lock table " + table.shown())
               .value_or("f") == "t";
}

// Creates the schema and the table when missing; runners that start together may race to, so
// "already exists" from a concurrent CREATE counts as created.
void ensure_table(PgSession& session, const PgLockTable& table) {
    for (int attempt = 0;; ++attempt) {
        if (table_exists(session, table)) {
            return;
        }
        try {
            if (!table.schema.empty()) {
                session.exec("CREATE SCHEMA IF NOT EXISTS " + pg_quote_name(table.schema),
                             "creating the schema " + table.schema);
            }
            session.exec("CREATE TABLE IF NOT EXISTS " + table.qualified() +
                             " (id integer PRIMARY KEY CHECK (id = 1), host text NOT NULL, "
                             "pid integer NOT NULL, token text NOT NULL, acquired_at timestamptz "
                             "NOT NULL, expires_at timestamptz NOT NULL)",
                         "creating runner's lock table " + table.shown());
            return;
        } catch (const DatabaseError& e) {
            // Another runner created it at the same moment: its catalog row (23505), the table
            // (42P07), the schema (42P06) or the table's row type (42710) was there first.
            const bool raced = e.code() == "23505" || e.code() == "42P07" || e.code() == "42P06" ||
                               e.code() == "42710";
            if (!raced || attempt >= 3) {
                throw;
            }
        }
    }
}

std::string random_token() {
    std::random_device device;
    char text[33];
    std::snprintf(text, sizeof text, "%08x%08x%08x%08x", device(), device(), device(), device());
    return text;
}

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
        return "unknown";
    }
    return name;
}

// Polls `attempt` (true: done) with a growing pause until `timeout_ms` passes; false then.
template <typename Attempt>
bool poll(int timeout_ms, Attempt attempt) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    auto pause = std::chrono::milliseconds(10);
    for (;;) {
        if (attempt()) {
            return true;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
        pause = std::min(pause * 2, std::chrono::milliseconds(250));
    }
}

std::string timed_out(const std::string& shown, int timeout_ms, const PgLockTable& table,
                      const std::optional<PgLockOwner>& holder) {
    return shown + ": timed out after " + std::to_string(timeout_ms) +
           " ms waiting for another runner, which holds runner's lock row in " + table.shown() +
           (holder ? " (" + holder->describe() + ")" : std::string()) +
           " (--lock-timeout sets how long to wait)";
}

}  // namespace

std::string PgLockTable::qualified() const {
    return schema.empty() ? pg_quote_name(table)
                          : pg_quote_name(schema) + "." + pg_quote_name(table);
}

std::string PgLockTable::shown() const {
    return schema.empty() ? table : schema + "." + table;
}

std::string PgLockOwner::describe() const {
    return "owner: host " + host + ", pid " + pid + ", lease " +
           (expired ? "expired at " : "until ") + expires + " UTC";
}

PgTableLock::PgTableLock(const std::string& url, const std::string& shown, PgLockTable table,
                         int timeout_ms, int lease_ms)
    : session_(url, shown + " (lock)"),
      table_(std::move(table)),
      lease_ms_(lease_ms),
      token_(random_token()) {
    ensure_table(session_, table_);
    std::optional<PgLockOwner> holder;
    if (!poll(timeout_ms, [&] { return try_take(holder); })) {
        throw LockTimeoutError(timed_out(shown, timeout_ms, table_, holder));
    }
    renewer_ = std::thread([this] { renew_loop(); });
}

PgTableLock::~PgTableLock() {
    {
        std::lock_guard<std::mutex> hold(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (renewer_.joinable()) {
        renewer_.join();
    }
    release();
}

void PgTableLock::check() const {
    if (lost_) {
        throw Error(session_.shown() + ": runner's lease on its lock row in " + table_.shown() +
                    " was not renewed in time (the server unreachable, or the process paused "
                    "longer than lock_lease) and another runner may have taken it over; "
                    "stopped before running anything more");
    }
}

// One try: insert the row when there is none; take it over when its lease has expired, only if
// it still has the token read (so of two runners taking over the same stale lease, one wins).
bool PgTableLock::try_take(std::optional<PgLockOwner>& holder) {
    const std::string lease = std::to_string(lease_ms_);
    holder = read_owner(session_, table_);
    if (!holder) {
        return session_.execute("INSERT INTO " + table_.qualified() +
                                    " (id, host, pid, token, acquired_at, expires_at) VALUES (1, "
                                    "$1, $2, $3, now(), now() + $4::bigint * interval '1 "
                                    "millisecond') ON CONFLICT (id) DO NOTHING",
                                {host_name(), std::to_string(::getpid()), token_, lease},
                                "taking runner's lock row in " + table_.shown()) == 1;
    }
    if (!holder->expired) {
        return false;
    }
    return session_.execute("UPDATE " + table_.qualified() +
                                " SET host = $1, pid = $2, token = $3, acquired_at = now(), "
                                "expires_at = now() + $4::bigint * interval '1 millisecond' "
                                "WHERE id = 1 AND token = $5 AND expires_at <= now()",
                            {host_name(), std::to_string(::getpid()), token_, lease, holder->token},
                            "taking over runner's lock row in " + table_.shown() +
                                " from a lease that expired") == 1;
}

// Every third of the lease: extends it, only while the row is still this runner's. A lease not
// renewed before it ran out (or taken over) is lost; check() then refuses to go on.
void PgTableLock::renew_loop() {
    auto renewed = std::chrono::steady_clock::now();
    const auto every = std::chrono::milliseconds(std::max(lease_ms_ / 3, 1));
    std::unique_lock<std::mutex> hold(mutex_);
    while (!stopping_) {
        if (wake_.wait_for(hold, every, [this] { return stopping_; })) {
            break;
        }
        hold.unlock();
        try {
            const auto n = session_.execute(
                "UPDATE " + table_.qualified() +
                    " SET expires_at = now() + $1::bigint * interval '1 millisecond' WHERE id = 1 "
                    "AND token = $2 AND expires_at > now()",
                {std::to_string(lease_ms_), token_}, "renewing runner's lock lease");
            if (n == 1) {
                renewed = std::chrono::steady_clock::now();
            } else {
                lost_ = true;
            }
        } catch (...) {
            if (std::chrono::steady_clock::now() - renewed >=
                std::chrono::milliseconds(lease_ms_)) {
                lost_ = true;
            }
        }
        hold.lock();
        if (lost_) {
            break;
        }
    }
}

void PgTableLock::release() noexcept {
    try {
        session_.execute("DELETE FROM " + table_.qualified() + " WHERE id = 1 AND token = $1",
                         {token_}, "releasing runner's lock row");
    } catch (...) {
        // the lease runs out instead
    }
}

void PgTableLock::wait_for_writer(PgSession& session, const PgLockTable& table, int timeout_ms) {
    if (!table_exists(session, table)) {
        return;
    }
    std::optional<PgLockOwner> holder;
    if (!poll(timeout_ms, [&] {
            holder = read_owner(session, table);
            return !holder || holder->expired;
        })) {
        throw LockTimeoutError(timed_out(session.shown(), timeout_ms, table, holder));
    }
}

}  // namespace runner
