// Migration scripts on PostgreSQL: see pg_script.hpp.
#include "db/postgres/pg_script.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <optional>

#include "db/postgres/pg_touch.hpp"

namespace runner {

namespace {

// FNV-1a over the text of the statements that ran: what --resume compares, so the statements it
// skips are the ones that ran, byte for byte.
class Digest {
  public:
    void add(std::string_view text) {
        for (const char c : text) {
            hash_ = (hash_ ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
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

enum class Control { kNone, kBegin, kEnd, kSavepointWork };

// Transaction control at the start of a statement: BEGIN / START TRANSACTION open one; COMMIT,
// END, ROLLBACK (not ROLLBACK TO), ABORT and PREPARE TRANSACTION end one.
Control control_of(std::string_view text) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (words.size() < 3 && i < text.size()) {
        while (i < text.size() && !std::isalpha(static_cast<unsigned char>(text[i]))) {
            if (text[i] == ';' || text[i] == '(' || text[i] == '\'') {
                i = text.size();
                break;
            }
            ++i;
        }
        std::string word;
        while (i < text.size() &&
               (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
        }
        if (!word.empty()) {
            words.push_back(word);
        }
    }
    if (words.empty()) {
        return Control::kNone;
    }
    const auto& w = words[0];
    if (w == "begin" || (w == "start" && words.size() > 1 && words[1] == "transaction")) {
        return Control::kBegin;
    }
    if (w == "commit" || w == "end" || w == "abort" ||
        (w == "rollback" && (words.size() < 2 || words[1] != "to")) ||
        (w == "prepare" && words.size() > 1 && words[1] == "transaction")) {
        return Control::kEnd;
    }
    if (w == "savepoint" || w == "release" || w == "rollback") {
        return Control::kSavepointWork;
    }
    return Control::kNone;
}

class ScriptRunner {
  public:
    ScriptRunner(PgSession& session, const std::string& origin, const ScriptRun& run,
                 const std::vector<std::string>& bookkeeping, bool& session_changed)
        : session_(session),
          origin_(origin),
          run_(run),
          nt_(run.non_transactional),
          bookkeeping_(bookkeeping),
          session_changed_(session_changed) {}

    int run(TextSource& sql) {
        PgStatementSplitter splitter(origin_);
        std::string chunk;
        bool more = true;
        std::deque<PgStatement> ready;
        try {
            while (more || !ready.empty()) {
                if (more && ready.size() < 2) {
                    chunk.clear();
                    more = sql.read(chunk);
                    if (more) {
                        splitter.feed(chunk);
                    } else {
                        splitter.finish();
                    }
                    while (auto s = splitter.next()) {
                        ready.push_back(std::move(*s));
                    }
                    continue;
                }
                // One statement of look-ahead: the progress after a statement names the line
                // of the next one.
                PgStatement statement = std::move(ready.front());
                ready.pop_front();
                const int next_line = ready.empty() ? statement.line : ready.front().line;
                one(statement, next_line);
            }
        } catch (const PgSplitError& e) {
            stop();
            throw StatementError(origin_, e.line(), e.reason(), std::string(), index_ + 1);
        }
        if (nt_ != nullptr && !started_) {
            start(index_ + 1, 1);  // an empty script, or all of it skipped
        }
        return index_;
    }

  private:
    void one(const PgStatement& statement, int next_line) {
        ++index_;
        if (index_ <= run_.skip) {
            digest_.add(statement.text);
            return;
        }
        const Control control = control_of(statement.text);
        if (const auto table = pg_names_protected_table(statement.text, bookkeeping_);
            !table.empty()) {
            stop();
            throw RefusedStatementError(
                origin_, statement.line,
                "a statement naming " + table +
                    " is refused before it runs: it is runner's own bookkeeping table, which "
                    "migrations must not change; use 'runner stamp', 'resolve' or 'rebless' "
                    "instead",
                pg_statement_excerpt(statement, 0), index_);
        }
        if (!session_changed_ && pg_may_change_session(statement.text)) {
            session_changed_ = true;  // told before it runs: a failed SET may have half-applied
        }
        if (nt_ == nullptr) {
            if (control == Control::kBegin || control == Control::kEnd) {
                throw RefusedStatementError(
                    origin_, statement.line,
                    "transaction control is refused in a transactional migration (runner runs "
                    "each migration in its own transaction; the statement was refused before it "
                    "ran); remove it, or mark the migration '-- transactional: false'",
                    pg_statement_excerpt(statement, 0), index_);
            }
            session_.run_statement(statement, origin_, index_);
            observe(statement);
            return;
        }
        if (!started_) {
            start(index_, statement.line);
        }
        Digest after_digest = digest_;
        after_digest.add(statement.text);
        const ScriptProgress after{index_ + 1, next_line, after_digest.hex()};
        run_non_transactional(statement, control, after);
        digest_ = after_digest;
        observe(statement);
    }

    // Before the first statement of a non-transactional script runs: refuses to resume when the
    // statements skipped are not the ones that ran; then the progress is what was skipped.
    void start(int next_statement, int line) {
        started_ = true;
        durable_ = ScriptProgress{next_statement, line, digest_.hex()};
        if (!nt_->expected_digest.empty() && nt_->expected_digest != durable_.digest) {
            throw Error(origin_ + ": cannot resume at statement " + std::to_string(next_statement) +
                        ": statements 1 to " + std::to_string(next_statement - 1) +
                        " are not the text that ran before (the file was edited there since), "
                        "so resuming could skip or repeat work; " +
                        nt_->resume_hint);
        }
        if (run_.skip == 0) {
            record(durable_);  // resuming: its record is there already
        }
    }

    void record(const ScriptProgress& at) {
        if (session_.in_transaction()) {
            nt_->record(at);
            return;
        }
        session_.exec("BEGIN", "recording the progress of " + origin_);
        try {
            nt_->record(at);
            session_.exec("COMMIT", "recording the progress of " + origin_);
        } catch (...) {
            rollback();
            throw;
        }
    }

    // Outside a transaction of the script's own, a statement runs in a transaction of runner's
    // that also records the progress, so it commits exactly once with its record; one that
    // cannot run in a transaction block (SQLSTATE 25001: CREATE INDEX CONCURRENTLY, VACUUM, ...)
    // runs alone, its progress recorded right after. Inside the script's own transaction, the
    // progress is written before its COMMIT, so it commits or rolls back with it.
    void run_non_transactional(const PgStatement& statement, Control control,
                               const ScriptProgress& after) {
        const bool own_open = session_.in_transaction();
        try {
            if (!own_open && control == Control::kNone) {
                // A statement of its own is tried again when the executor says so (a lock
                // timeout, a deadlock): it failed whole, so nothing of it is applied.
                for (int failures = 0;; ++failures) {
                    try {
                        run_alone(statement, after);
                        return;
                    } catch (const StatementError& e) {
                        rollback();
                        if (!run_.retry_statement || !run_.retry_statement(e, failures)) {
                            throw;
                        }
                    }
                }
            }
            if (own_open && control == Control::kEnd) {
                nt_->record(after);  // commits with the script's COMMIT, or rolls back with it
            }
            session_.run_statement(statement, origin_, index_);
            if (!session_.in_transaction()) {
                if (!own_open || control != Control::kEnd) {
                    record(after);
                }
                durable_ = after;
            }
        } catch (...) {
            stop();
            throw;
        }
    }

    // A statement outside any transaction of the script's: in runner's transaction with its
    // progress record, or alone when it cannot run in a transaction block.
    void run_alone(const PgStatement& statement, const ScriptProgress& after) {
        session_.exec("BEGIN", "starting a transaction for " + origin_);
        try {
            session_.run_statement(statement, origin_, index_);
        } catch (const StatementError& e) {
            rollback();
            if (e.code() != "25001") {
                throw;
            }
            run_autocommit(statement);
            record(after);
            durable_ = after;
            return;
        }
        nt_->record(after);
        session_.exec("COMMIT",
                      "committing statement " + std::to_string(index_) + " of " + origin_);
        durable_ = after;
    }

    // A statement that cannot run in a transaction block, alone. A concurrent index build that
    // fails leaves an INVALID index of its name behind, which would make running it again fail
    // with "already exists" (or, with IF NOT EXISTS, keep the invalid index): it is dropped
    // before the build runs and after it failed.
    void run_autocommit(const PgStatement& statement) {
        const auto index = pg_concurrent_index(statement.text);
        if (!index) {
            session_.run_statement(statement, origin_, index_);
            return;
        }
        drop_invalid_index(*index, statement);
        try {
            session_.run_statement(statement, origin_, index_);
        } catch (const StatementError&) {
            try {
                drop_invalid_index(*index, statement);
            } catch (...) {
                // dropped before the next build runs instead
            }
            throw;
        }
    }

    // Drops the invalid index `index` names when there is one, with DROP INDEX CONCURRENTLY (no
    // lock that blocks the table's readers and writers). Fails as `statement` would, so a lock
    // timeout is tried again like the build's own.
    void drop_invalid_index(const PgConcurrentIndex& index, const PgStatement& statement) {
        const auto found = session_.scalar(
            "SELECT pg_catalog.quote_ident(n.nspname) || '.' || "
            "pg_catalog.quote_ident(c.relname) FROM pg_catalog.pg_index i "
            "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT i.indisvalid AND c.relname = $1 AND i.indrelid = pg_catalog.to_regclass("
            "CASE WHEN $2 = '' THEN '' ELSE pg_catalog.quote_ident($2) || '.' END || "
            "pg_catalog.quote_ident($3))",
            {index.name, index.table_schema, index.table},
            "looking for an invalid index " + index.name + " left by a failed build");
        if (!found) {
            return;
        }
        PgStatement drop = statement;
        drop.text = "DROP INDEX CONCURRENTLY IF EXISTS " + *found;
        drop.kind = PgStatementKind::kSql;
        try {
            session_.run_statement(drop, origin_, index_);
        } catch (const StatementError& e) {
            throw StatementError(e.origin(), statement.line,
                                 "dropping the invalid index " + *found +
                                     " a failed build of this statement left: " + e.db_message(),
                                 pg_statement_excerpt(statement, 0), index_, e.code());
        }
    }

    void rollback() noexcept {
        try {
            if (session_.in_transaction()) {
                session_.exec("ROLLBACK", "rolling back");
            }
        } catch (...) {
        }
    }

    // A statement fails (or is refused): a transaction of the script's own that is open is
    // rolled back, and the progress stands where the last commit left it.
    void stop() noexcept {
        if (nt_ == nullptr) {
            return;
        }
        rollback();
        nt_->stopped = started_ ? durable_ : ScriptProgress{index_ + 1, 0, digest_.hex()};
    }

    void observe(const PgStatement& statement) {
        if (run_.observer != nullptr) {
            const PgTouch touch = pg_statement_touch(statement.text);
            run_.observer->statement_done(
                StatementTouch{index_, statement.line, touch.written, touch.changed});
        }
    }

    PgSession& session_;
    const std::string& origin_;
    const ScriptRun& run_;
    NonTransactionalRun* nt_;
    const std::vector<std::string>& bookkeeping_;
    bool& session_changed_;
    int index_ = 0;
    bool started_ = false;
    Digest digest_;
    ScriptProgress durable_;
};

}  // namespace

int run_pg_script(PgSession& session, TextSource& sql, const std::string& origin,
                  const ScriptRun& run, const std::vector<std::string>& bookkeeping,
                  bool& session_changed) {
    return ScriptRunner(session, origin, run, bookkeeping, session_changed).run(sql);
}

}  // namespace runner
