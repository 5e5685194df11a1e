// Capabilities only some backends have, asked for through Connection (null when absent), never
// faked: an online backup, the foreign-key step guard, a schema catalog.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "schema/model.hpp"

namespace runner {

// One foreign-key violation: a row of `table` whose foreign key number `fk_id` finds no row in
// `parent`. The row is named by its rowid, else by its primary key; by neither when the backend
// cannot say which row it is.
struct ForeignKeyViolation {
    std::string table;
    std::string parent;
    int fk_id = 0;
    std::optional<std::int64_t> rowid;
    std::vector<std::string> key_columns;  // the primary key's columns
    std::vector<std::string> key_values;   // their values, as SQL literals ('a', 7, NULL)

    auto operator<=>(const ForeignKeyViolation&) const = default;
    bool operator==(const ForeignKeyViolation&) const = default;
    // "child rowid 7 references a missing row in parent", "child row with k = 'a' ...",
    // "child row with (a, b) = ('x', 1) ...", "child row ...".
    std::string describe() const;
};

// Checks foreign keys between the steps of a run, for a backend that cannot enforce them while
// a migration runs (SQLite: a table rebuild must not cascade).
class ForeignKeyGuard {
  public:
    virtual ~ForeignKeyGuard() = default;
    enum class Scope {
        kAll,      // every table
        kChanged,  // only where the scripts run since the last look can have made new ones
    };
    // Violations in the current state, at most `limit` of them.
    virtual std::vector<ForeignKeyViolation> violations(int limit, Scope scope) = 0;
    // Gives `earlier` (violations found before the scripts the last violations() call looked
    // at) the names those scripts' table renames gave their tables and parents, and sorts it:
    // a violation that existed before a rename is the same violation after it.
    virtual void follow_renames(std::vector<ForeignKeyViolation>& earlier) const = 0;
};

// A consistent copy of the whole database, taken while others may write.
class BackupCapability {
  public:
    virtual ~BackupCapability() = default;
    // Copies the database in bounded time, waiting for a lock at most the lock timeout. The copy
    // is complete before it gets its name: `path`, or with `unique` the first free one of path,
    // path-2, path-3, ... (never an existing file; without `unique` an existing `path` is an
    // error). Returns the name used.
    virtual std::string backup_to(const std::string& path, bool unique) = 0;
    // The database file, for naming backups.
    virtual std::string file_path() const = 0;
};

// Reads the schema of the database runner works in.
class SchemaCatalog {
  public:
    virtual ~SchemaCatalog() = default;
    // The schema, canonicalize()d, without the backend's internal tables and without
    // `excluded_tables` (compared as the backend compares names) and their indexes and triggers.
    virtual Schema read_schema(const std::vector<std::string>& excluded_tables) = 0;
    // The SQL the schema is read and written in.
    virtual SchemaDialect dialect() const { return SchemaDialect::kSqlite; }

    // For callers that read the schema again and again (verify): `identity` names the catalog
    // objects as they are now, so that two equal, non-empty identities are the same schema, and
    // build() gives the schema (as read_schema would have) only when asked. A backend may
    // remember what it read, to read again only what changed. This one reads it all, no identity.
    struct Reading {
        std::vector<std::uint64_t> identity;
        std::function<Schema()> build;
        // Some of the objects, without building the whole (lint looks only at what a step
        // touched): those `keep` is true for, each asked about as a schema holding just that
        // table, index, view or trigger as read (foreign keys' parent columns not yet resolved;
        // they are resolved from the tables kept). Null: select_objects() of build().
        std::function<Schema(const std::function<bool(const Schema& object)>& keep)> select;
    };
    virtual Reading read_schema_again(const std::vector<std::string>& excluded_tables) {
        auto schema = std::make_shared<const Schema>(read_schema(excluded_tables));
        return {{}, [schema] { return *schema; }, {}};
    }
};

}  // namespace runner
