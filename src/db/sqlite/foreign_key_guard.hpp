// SQLite's foreign-key step guard (see foreign_key_guard.cpp): the violations a migration left,
// found by looking only where the statements it ran could have made new ones.
#pragma once

#include <memory>
#include <vector>

#include "db/capabilities.hpp"
#include "db/sqlite/handles.hpp"
#include "db/sqlite/script.hpp"

namespace runner {

class SqliteForeignKeyGuard final : public ForeignKeyGuard, public StatementSteps {
  public:
    explicit SqliteForeignKeyGuard(SqliteDb& db);
    ~SqliteForeignKeyGuard() override;

    std::vector<ForeignKeyViolation> violations(int limit, Scope scope) override;
    void follow_renames(std::vector<ForeignKeyViolation>& earlier) const override;

    // While a script runs, the connection reports what its statements do (runner's own
    // bookkeeping statements excluded): each action the authorizer allowed, each row written.
    void start_script();
    void note_change(int action, const char* a1, const char* a2, const char* schema);
    void note_row(int op, const char* schema, const char* table, sqlite3_int64 old_rowid,
                  sqlite3_int64 new_rowid);
    // Around each statement: where the tables an ALTER TABLE renamed went.
    void before_step(sqlite3_stmt* stmt) override;
    void after_step() override;

  private:
    class Engine;
    std::unique_ptr<Engine> engine_;
};

}  // namespace runner
