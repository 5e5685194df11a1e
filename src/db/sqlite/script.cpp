// Runs a migration script on an SQLite connection; see script.hpp.
#include "db/sqlite/script.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "util/text.hpp"

namespace runner {
namespace {

// Skips blanks and SQL comments, so a statement's line is that of its first token.
const char* skip_blanks_and_comments(const char* p, const char* end) {
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f' || *p == '\v') {
            ++p;
        } else if (p + 1 < end && p[0] == '-' && p[1] == '-') {
            while (p < end && *p != '\n') {
                ++p;
            }
        } else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
            p += 2;
            while (p + 1 < end && !(p[0] == '*' && p[1] == '/')) {
                ++p;
            }
            p = p + 1 < end ? p + 2 : end;
        } else {
            break;
        }
    }
    return p;
}

// Where the statement starting at `p` ends (just after its ';'), by sqlite3_complete().
const char* end_of_statement(const char* p, const char* end) {
    for (const char* semi = p; semi < end; ++semi) {
        if (*semi == ';' && sqlite3_complete(std::string(p, semi + 1).c_str())) {
            return semi + 1;
        }
    }
    return end;
}

// Counts lines incrementally as execution moves forward through a script.
class LineCounter {
  public:
    LineCounter(const char* start, int first_line) : pos_(start), line_(first_line) {}
    int line_at(const char* p) {
        for (; pos_ < p; ++pos_) {
            line_ += *pos_ == '\n' ? 1 : 0;
        }
        return line_;
    }

  private:
    const char* pos_;
    int line_;
};

}  // namespace

namespace {

// The line of `script` holding `at`, and a caret under `at` when `caret` is set.
std::string excerpt_at(const char* script, const char* end, const char* at, bool caret) {
    const char* line_start = at;
    while (line_start > script && line_start[-1] != '\n') {
        --line_start;
    }
    std::string text = first_line_of(line_start, end);
    const auto column = static_cast<std::size_t>(at - line_start);
    if (caret && column < 120) {
        text += "\n    " + std::string(column, ' ') + "^";
    }
    return text;
}

// FNV-1a over the text of the statements that ran: what --resume compares, so the statements
// it skips are the ones that ran, byte for byte.
class Digest {
  public:
    void add(const char* p, const char* end) {
        for (; p < end; ++p) {
            hash_ = (hash_ ^ static_cast<unsigned char>(*p)) * 1099511628211ULL;
        }
        hash_ = (hash_ ^ 0xffU) * 1099511628211ULL;  // ends each statement
    }
    std::string hex() const {
        char text[24];
        std::snprintf(text, sizeof text, "fnv1a:%016llx", static_cast<unsigned long long>(hash_));
        return text;
    }

  private:
    std::uint64_t hash_ = 14695981039346656037ULL;
};

bool starts_with_keyword(const char* p, const char* end, const char* keyword) {
    const std::size_t n = std::strlen(keyword);
    return static_cast<std::size_t>(end - p) >= n &&
           sqlite3_strnicmp(p, keyword, static_cast<int>(n)) == 0 &&
           (static_cast<std::size_t>(end - p) == n ||
            !(std::isalnum(static_cast<unsigned char>(p[n])) || p[n] == '_'));
}

// One script's run, across the chunks it is read in.
class ScriptLoop {
  public:
    ScriptLoop(sqlite3* db, ScriptGuard& guard, const std::string& origin, int skip,
               NonTransactionalRun* nt, ScriptObserver* observer, StatementSteps* steps)
        : db_(db),
          guard_(guard),
          origin_(origin),
          skip_(skip),
          nt_(nt),
          observer_(observer),
          steps_(steps) {}

    int statements() const { return index_; }

    // Refuses a NUL byte in `buffer` at or after `from`: SQLite would stop reading there.
    void refuse_nul(const std::string& buffer, std::size_t from, int first_line) {
        const auto at = buffer.find('\0', from);
        if (at == std::string::npos) {
            return;
        }
        const int line = first_line + static_cast<int>(std::count(
                                          buffer.begin(),
                                          buffer.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
        stop();
        throw StatementError(origin_, line,
                             "the file contains a NUL byte, so it is not text; SQLite would "
                             "silently ignore everything after it",
                             "", index_ + 1);
    }

    // Runs the whole statements at the front of `buffer` (NUL-terminated, as std::string is);
    // returns how many bytes it consumed. Unless `final`, a last statement that may continue
    // in the next chunk is left for later.
    std::size_t run_block(const std::string& buffer, int first_line, bool final) {
        const char* const start = buffer.c_str();
        const char* const end = start + buffer.size();
        LineCounter lines(start, first_line);
        const char* tail = start;
        // Statements already run (resuming) are not even prepared: preparing "CREATE TABLE t"
        // fails once t exists. SQLite's own sqlite3_complete() finds where each one ends.
        while (index_ < skip_ && tail < end) {
            const char* stmt_end = end_of_statement(tail, end);
            if (stmt_end == end && !final && !(end > tail && end[-1] == ';')) {
                return static_cast<std::size_t>(tail - start);
            }
            const char* token = skip_blanks_and_comments(tail, stmt_end);
            if (token < stmt_end && *token != ';') {
                ++index_;
                digest_.add(token, stmt_end);
            }
            tail = stmt_end;
        }
        while (tail < end) {
            if (nt_ != nullptr && !started_) {
                start_non_transactional(lines.line_at(skip_blanks_and_comments(tail, end)));
            }
            const char* next = nullptr;
            sqlite3_stmt* raw = nullptr;
            guard_.next_statement();
            // The length counts the terminating NUL, so SQLite parses in place instead of
            // copying all the remaining text for every statement.
            const int rc =
                sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail) + 1, &raw, &next);
            Statement stmt(raw);  // owns the statement before the return code is looked at
            const char* first = skip_blanks_and_comments(tail, end);
            if (rc != SQLITE_OK) {
                if (!final && !holds_complete_statement(tail, end)) {
                    return static_cast<std::size_t>(tail - start);  // cut by the chunk boundary
                }
                if (!guard_.refusal().empty()) {
                    const std::string why = guard_.refusal();
                    stop();
                    throw RefusedStatementError(origin_, lines.line_at(first), why,
                                                excerpt_at(start, end, first, false), index_ + 1);
                }
                const int offset = sqlite3_error_offset(db_);
                const bool located = offset >= 0 && tail + offset <= end;
                const char* at = located ? tail + offset : first;
                const std::string why = sqlite_message(db_);
                stop();
                throw StatementError(origin_, lines.line_at(at), why,
                                     excerpt_at(start, end, at, located), index_ + 1);
            }
            if (!stmt) {
                if (next == tail || next >= end) {
                    // Only blanks and comments remain; a comment may still be open, so keep
                    // them for the next chunk unless this is the end.
                    return static_cast<std::size_t>((final ? end : tail) - start);
                }
                tail = next;  // an empty statement (";"): go on, as sqlite3_exec does
                continue;
            }
            if (!final && next >= end && !(next > tail && next[-1] == ';')) {
                return static_cast<std::size_t>(tail - start);  // may continue in the next chunk
            }
            ++index_;
            tail = next;
            const int line = lines.line_at(first);
            const std::string before = digest_.hex();
            digest_.add(first, next);
            if (nt_ == nullptr) {
                if (run_statement(stmt.get()) != SQLITE_DONE) {
                    throw StatementError(origin_, line, sqlite_message(db_),
                                         excerpt_at(start, end, first, false), index_);
                }
                if (observer_ != nullptr) {
                    observe(line);
                }
                continue;
            }
            StatementKind kind = guard_.kind();
            if (kind == StatementKind::kOther && starts_with_keyword(first, next, "VACUUM")) {
                kind = StatementKind::kOutside;
            }
            const ScriptProgress at_statement{index_, line, before};
            const ScriptProgress after{
                index_ + 1, lines.line_at(skip_blanks_and_comments(next, end)), digest_.hex()};
            run_non_transactional(stmt.get(), kind, at_statement, after, [&] {
                return StatementError(origin_, line, sqlite_message(db_),
                                      excerpt_at(start, end, first, false), index_);
            });
            if (observer_ != nullptr) {
                observe(line);
            }
        }
        return static_cast<std::size_t>(end - start);
    }

  private:
    using Statement = StatementHandle;

    // Whether the text from `p` holds a whole statement by sqlite3_complete (looking only as
    // far as the first ';' that completes it, so the cost is bounded by the statement).
    static bool holds_complete_statement(const char* p, const char* end) {
        return end_of_statement(p, end) < end ||
               (end > p && end[-1] == ';' && sqlite3_complete(std::string(p, end).c_str()));
    }

    void observe(int line) {
        observer_->statement_done(
            StatementTouch{index_, line, guard_.tables_written(), guard_.tables_changed()});
    }

    int step_all(sqlite3_stmt* stmt) {
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        }
        return rc;
    }

    // One of the script's statements, with the listener told around it.
    int run_statement(sqlite3_stmt* stmt) {
        if (steps_ != nullptr) {
            tell([&] { steps_->before_step(stmt); });
        }
        const int rc = step_all(stmt);
        if (steps_ != nullptr && rc == SQLITE_DONE) {
            tell([&] { steps_->after_step(); });
        }
        return rc;
    }

    template <typename Call>
    void tell(Call call) {
        guard_.set_internal(true);
        try {
            call();
        } catch (...) {
            guard_.set_internal(false);
            throw;
        }
        guard_.set_internal(false);
    }

    // Runner's own statement, which the guard lets through. Throws on failure.
    void internal(const char* sql) {
        guard_.set_internal(true);
        const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
        guard_.set_internal(false);
        if (rc != SQLITE_OK) {
            throw Error(origin_ + ": " + sql + " failed: " + sqlite_message(db_));
        }
    }

    void record(const ScriptProgress& progress) {
        // The script may have made the connection read-only for itself: not for the record.
        const bool query_only = pragma_is_on("query_only");
        if (query_only) {
            internal("PRAGMA query_only = OFF");
        }
        guard_.set_internal(true);
        try {
            nt_->record(progress);
        } catch (...) {
            guard_.set_internal(false);
            if (query_only) {
                // Best effort: the error being thrown is what the user needs to see.
                (void)sqlite3_exec(db_, "PRAGMA query_only = ON", nullptr, nullptr, nullptr);
            }
            throw;
        }
        guard_.set_internal(false);
        if (query_only) {
            internal("PRAGMA query_only = ON");
        }
    }

    bool pragma_is_on(const char* name) {
        sqlite3_stmt* raw = nullptr;
        const std::string sql = std::string("PRAGMA ") + name;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
            sqlite3_finalize(raw);
            return false;
        }
        Statement stmt(raw);
        return sqlite3_step(stmt.get()) == SQLITE_ROW && sqlite3_column_int(stmt.get(), 0) != 0;
    }

    // Before the first statement of a non-transactional script runs: refuses to resume when the
    // statements skipped are not the ones that ran; then the progress is what was skipped.
    void start_non_transactional(int line) {
        started_ = true;
        durable_ = ScriptProgress{index_ + 1, line, digest_.hex()};
        recorded_ = skip_ > 0 ? index_ + 1 : 0;  // resuming: its record is there already
        if (!nt_->expected_digest.empty() && nt_->expected_digest != durable_.digest) {
            throw Error(origin_ + ": cannot resume at statement " + std::to_string(index_ + 1) +
                        ": statements 1 to " + std::to_string(index_) +
                        " are not the text that ran before (the file was edited there since), "
                        "so resuming could skip or repeat work; " +
                        nt_->resume_hint);
        }
    }

    // A statement fails (or is refused): a transaction of the script's own that is open is
    // rolled back, and the progress stands where the last commit left it.
    void stop() noexcept {
        if (nt_ == nullptr) {
            return;
        }
        if (!sqlite3_get_autocommit(db_)) {
            guard_.set_internal(true);
            // Cannot fail in a way that matters: a failed ROLLBACK leaves the transaction to the
            // connection's close, which rolls it back too.
            (void)sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            guard_.set_internal(false);
        }
        nt_->stopped = started_ ? durable_ : ScriptProgress{index_ + 1, 0, digest_.hex()};
    }

    // Outside a transaction of the script's own, an ordinary statement runs in a transaction of
    // runner's that also records the progress: it commits exactly once with its record. What
    // cannot run in a transaction (PRAGMA, VACUUM, ATTACH, BEGIN ...) has the progress recorded
    // just before it. Inside the script's own transaction, the progress is written before its
    // COMMIT (or RELEASE), so it commits with it, or rolls back with it.
    template <typename MakeError>
    void run_non_transactional(sqlite3_stmt* stmt, StatementKind kind,
                               const ScriptProgress& at_statement, const ScriptProgress& after,
                               MakeError make_error) {
        const bool autocommit = sqlite3_get_autocommit(db_) != 0;
        const bool wrapped = autocommit && kind == StatementKind::kOther;
        const bool ends_own_transaction =
            !autocommit && (kind == StatementKind::kCommit || kind == StatementKind::kSavepoint);
        if (autocommit && !wrapped && recorded_ != at_statement.next_statement) {
            record(at_statement);
            recorded_ = at_statement.next_statement;
            durable_ = at_statement;
        }
        if (wrapped) {
            internal("BEGIN IMMEDIATE");
        }
        try {
            if (ends_own_transaction) {
                record(after);
            }
            if (run_statement(stmt) != SQLITE_DONE) {
                StatementError error = make_error();
                sqlite3_reset(stmt);
                stop();
                throw error;
            }
            if (wrapped) {
                record(after);
                internal("COMMIT");
            } else if (sqlite3_get_autocommit(db_) && !ends_own_transaction) {
                record(after);
            }
        } catch (const StatementError&) {
            throw;
        } catch (...) {
            stop();
            throw;
        }
        if (sqlite3_get_autocommit(db_)) {
            recorded_ = after.next_statement;
            durable_ = after;
        }
    }

    sqlite3* db_;
    ScriptGuard& guard_;
    const std::string& origin_;
    int skip_;
    NonTransactionalRun* nt_;
    ScriptObserver* observer_;
    StatementSteps* steps_;
    int index_ = 0;  // statements seen so far
    Digest digest_;  // of their text
    bool started_ = false;
    int recorded_ = 0;        // the next_statement of the last progress written (0: none)
    ScriptProgress durable_;  // the last progress committed
};

}  // namespace

int run_sqlite_script(sqlite3* db, ScriptGuard& guard, TextSource& source,
                      const std::string& origin, const ScriptRun& how, StatementSteps* steps) {
    ScriptLoop run(db, guard, origin, how.skip, how.non_transactional, how.observer, steps);
    // The buffer holds what was read but not yet run: whole statements run as soon as they
    // are in it, a statement cut by the chunk boundary waits for the next chunk.
    std::string buffer;
    int first_line = 1;  // file line of buffer[0]
    bool at_start = true;
    bool more = true;
    while (more) {
        const std::size_t old_size = buffer.size();
        more = source.read(buffer);
        run.refuse_nul(buffer, old_size, first_line);
        if (at_start && (buffer.size() >= 3 || !more)) {
            if (buffer.compare(0, 3, "\xEF\xBB\xBF") == 0) {
                buffer.erase(0, 3);
            }
            at_start = false;
        }
        const std::size_t used = run.run_block(buffer, first_line, !more);
        first_line += static_cast<int>(
            std::count(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(used), '\n'));
        buffer.erase(0, used);
    }
    return run.statements();
}

}  // namespace runner
