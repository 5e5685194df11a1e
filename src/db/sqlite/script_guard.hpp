// What runner lets a migration's statements do, decided by SQLite's authorizer as it compiles
// each statement, before anything runs.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace runner {

// What a statement does to transactions, as far as running a script cares.
enum class StatementKind {
    kOther,      // an ordinary statement: may run inside a transaction runner opens
    kBegin,      // BEGIN
    kCommit,     // COMMIT or END
    kRollback,   // ROLLBACK (of the whole transaction)
    kSavepoint,  // SAVEPOINT, RELEASE, ROLLBACK TO
    kOutside,    // PRAGMA, ATTACH, DETACH, VACUUM: may not work inside a transaction
};

class ScriptGuard {
  public:
    // `bookkeeping`: the names of runner's own tables in the main schema.
    explicit ScriptGuard(std::vector<std::string> bookkeeping)
        : bookkeeping_(std::move(bookkeeping)) {}

    // Called before a script runs: whether it runs inside runner's transaction (then it may not
    // end or start one).
    void start(bool in_runner_transaction) { in_transaction_ = in_runner_transaction; }
    // Runner's own statements (the progress of a non-transactional migration) are not checked.
    void set_internal(bool internal) { internal_ = internal; }
    bool internal() const { return internal_; }
    // Called before each statement is compiled.
    void next_statement() {
        kind_ = StatementKind::kOther;
        refusal_.clear();
        if (observing_) {
            written_.clear();
            changed_.clear();
        }
    }
    // Whether to note the tables each statement touches (for a ScriptObserver).
    void observe(bool on) { observing_ = on; }
    // Whether a statement since the last call ran PRAGMA case_sensitive_like (which overloads
    // LIKE on the connection until it is set back); clears the mark.
    bool take_case_sensitive_like() { return std::exchange(case_sensitive_like_, false); }
    // Whether a statement since the last call was a PRAGMA (the only way a migration changes
    // the connection's settings); clears the mark.
    bool take_pragma() { return std::exchange(pragma_, false); }
    const std::vector<std::string>& tables_written() const { return written_; }
    const std::vector<std::string>& tables_changed() const { return changed_; }

    // The authorizer's verdict on one action: true to allow. Remembers why it refused and what
    // kind of statement it saw.
    bool allow(int action, const char* a1, const char* a2, const char* schema);

    StatementKind kind() const { return kind_; }
    // Why the statement last compiled was refused; empty when it was not.
    const std::string& refusal() const { return refusal_; }

  private:
    bool is_bookkeeping(const char* table, const char* schema) const;
    void note(const char* table, bool write);

    std::vector<std::string> bookkeeping_;
    bool in_transaction_ = false;
    bool case_sensitive_like_ = false;
    bool pragma_ = false;
    bool internal_ = false;
    StatementKind kind_ = StatementKind::kOther;
    std::string refusal_;
    bool observing_ = false;
    std::vector<std::string> written_;  // by the statement last compiled, when observing
    std::vector<std::string> changed_;
};

}  // namespace runner
