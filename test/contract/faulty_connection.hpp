// A Connection decorator for tests that makes one chosen operation fail: the Nth statement of a
// script, a COMMIT, or a write of runner's own (by a fragment of its SQL). Everything else goes
// to the real connection.
#pragma once

#include <memory>
#include <string>

#include "db/connection.hpp"

namespace runner::contract {

// What an injected failure throws (a DatabaseError, as a real one would be).
inline constexpr const char* kInjected = "injected failure";

class FaultyConnection final : public Connection {
  public:
    explicit FaultyConnection(std::unique_ptr<Connection> inner) : inner_(std::move(inner)) {}

    // The Nth statement (1-based) of the next script run inside runner's transaction fails
    // right after it ran, as if the database had refused it: a StatementError.
    void fail_script_statement(int n) { statement_ = n; }
    // The Nth COMMIT from now fails without committing.
    void fail_commit(int n = 1) { commit_ = n; }
    // The Nth write of runner's own (execute) from now whose SQL contains `fragment` fails
    // before it runs.
    void fail_write(std::string fragment, int n = 1) {
        fragment_ = std::move(fragment);
        write_ = n;
    }
    // Whether the armed failure happened.
    bool fired() const { return fired_; }

    std::string describe() const override { return inner_->describe(); }
    const Dialect& dialect() const override { return inner_->dialect(); }
    bool exists() const override { return inner_->exists(); }
    void begin() override { inner_->begin(); }
    void commit() override {
        if (commit_ > 0 && --commit_ == 0) {
            fired_ = true;
            throw DatabaseError(describe() + ": committing: " + kInjected, "INJECTED");
        }
        inner_->commit();
    }
    void rollback() noexcept override { inner_->rollback(); }

    int run_script(TextSource& sql, const std::string& origin, const ScriptRun& run) override {
        if (statement_ == 0 || run.non_transactional != nullptr) {
            return inner_->run_script(sql, origin, run);
        }
        FailAt fail{*this, origin, run.observer};
        ScriptRun observed = run;
        observed.observer = &fail;
        return inner_->run_script(sql, origin, observed);
    }

    std::int64_t execute(std::string_view sql, const SqlParams& params,
                         std::string_view doing) override {
        if (write_ > 0 && sql.find(fragment_) != std::string_view::npos && --write_ == 0) {
            fired_ = true;
            throw DatabaseError(describe() + ": " + std::string(doing) + ": " + kInjected,
                                "INJECTED");
        }
        return inner_->execute(sql, params, doing);
    }
    std::vector<SqlRow> query(std::string_view sql, const SqlParams& params,
                              std::string_view doing) override {
        return inner_->query(sql, params, doing);
    }
    void reset_session() override { inner_->reset_session(); }
    void wait_for_writers() override { inner_->wait_for_writers(); }
    std::unique_ptr<Connection> open_scratch() const override { return inner_->open_scratch(); }
    BackupCapability* backup() override { return inner_->backup(); }
    ForeignKeyGuard* foreign_keys() override { return inner_->foreign_keys(); }
    SchemaCatalog* catalog() override { return inner_->catalog(); }

  private:
    // Throws after the chosen statement ran (the caller's observer hears it first).
    class FailAt final : public ScriptObserver {
      public:
        FailAt(FaultyConnection& owner, const std::string& origin, ScriptObserver* next)
            : owner_(owner), origin_(origin), next_(next) {}
        void statement_done(const StatementTouch& touch) override {
            if (next_ != nullptr) {
                next_->statement_done(touch);
            }
            if (touch.statement == owner_.statement_) {
                owner_.statement_ = 0;
                owner_.fired_ = true;
                throw StatementError(origin_, touch.line, kInjected, "", touch.statement);
            }
        }

      private:
        FaultyConnection& owner_;
        const std::string& origin_;
        ScriptObserver* next_;
    };

    std::unique_ptr<Connection> inner_;
    int statement_ = 0;
    int commit_ = 0;
    int write_ = 0;
    std::string fragment_;
    bool fired_ = false;
};

}  // namespace runner::contract
