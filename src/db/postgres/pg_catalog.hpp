// The PostgreSQL schema catalog: reads pg_catalog for the schema migrations run in (the
// connection's search_path schema: --schema, else current_schema()) into the schema model.
// Enum types, sequences no column owns, functions and procedures, tables (columns with their
// types as format_type() writes them, NOT NULL, defaults, identity, serial, generated columns,
// collations; primary keys, UNIQUE, CHECK and foreign keys), indexes that back no constraint
// (pg_get_indexdef), views (pg_get_viewdef) and triggers (pg_get_triggerdef). Text is kept as
// the server deparses it, which is canonical: equal schemas read as equal values. Objects of
// extensions, partitions, materialized views, exclusion constraints, domains and composite
// types are not read.
#pragma once

#include <string>
#include <vector>

#include "db/capabilities.hpp"

namespace runner {

class PgSession;

class PgCatalog final : public SchemaCatalog {
  public:
    // `schema`: the schema to read; empty: the session's current_schema().
    PgCatalog(PgSession& session, std::string schema) : session_(session), schema_(schema) {}
    Schema read_schema(const std::vector<std::string>& excluded_tables) override;
    SchemaDialect dialect() const override { return SchemaDialect::kPostgres; }

  private:
    PgSession& session_;
    std::string schema_;
};

}  // namespace runner
