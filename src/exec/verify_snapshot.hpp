// What verify compares between its steps (the schema and the rows of each table), read cheaply:
// a step re-reads only what its statements touched, so verifying N revisions does not cost N
// reads of the whole catalog.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "schema/diff.hpp"

namespace runner {

// The tables the statements of the steps run since the last take() wrote, created, altered,
// (re)indexed or dropped (lower-case names), as the backend's script observer tells them.
class TouchedTables final : public ScriptObserver {
  public:
    void statement_done(const StatementTouch& touch) override;
    const std::set<std::string>& names() const { return names_; }
    bool schema_changed() const { return !changed_.empty(); }
    // Only those created, altered, (re)indexed or dropped.
    const std::set<std::string>& changed() const { return changed_; }
    void clear() {
        names_.clear();
        changed_.clear();
    }

  private:
    std::set<std::string> names_;
    std::set<std::string> changed_;
};

struct Snapshot {
    SchemaCatalog::Reading reading;
    std::map<std::string, std::int64_t> rows;  // by lower-case table name
    // The schema, built when first asked.
    const Schema& schema() const {
        if (!schema_) {
            schema_ = reading.build();
        }
        return *schema_;
    }
    // Only the objects `keep` is true for (see SchemaCatalog::Reading::select), without building
    // the whole schema when the catalog can help it.
    Schema select(const std::function<bool(const Schema& object)>& keep) const;

  private:
    mutable std::optional<Schema> schema_;
};

// How `actual`'s schema differs from `expected`'s: none, without building either, when the
// catalog says both name the same objects.
std::vector<SchemaDifference> diff_snapshots(const Snapshot& expected, const Snapshot& actual);

// Snapshots of one database. Between two of them, every step runs with observer() and is
// followed by after_step() (or, when it failed or ran without the observer, by forget()).
class Snapshots {
  public:
    explicit Snapshots(Database& db);
    ScriptObserver* observer() { return &touched_; }
    // After a step that worked: brings the row counts up to date and returns what PRAGMA
    // integrity_check finds (on SQLite) in the tables the step touched, or in the whole database
    // when the counts were not known; one line each, empty when fine.
    std::vector<std::string> after_step();
    // The next snapshot reads every table again.
    void forget() { known_ = false; }
    // The tables (lower-case names) the statements of the last step that worked created,
    // altered, (re)indexed or dropped, as the backend's observer told them.
    const std::set<std::string>& changed_by_last_step() const { return last_changed_; }
    Snapshot take();

  private:
    bool incremental() const;
    void count(const std::string& table);
    std::set<std::string> tables_now();  // lower-case names of the schema's tables
    std::vector<std::string> integrity(const std::string* table);

    Database& db_;
    TouchedTables touched_;
    bool known_ = false;  // counts_ holds every table of the database as it is
    std::map<std::string, std::int64_t> counts_;
    std::set<std::string> last_changed_;
};

}  // namespace runner
