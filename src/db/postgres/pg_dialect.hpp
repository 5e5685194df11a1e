// PostgreSQL's SQL text: see db/dialect.hpp. Runner's bookkeeping tables keep their times as
// timestamptz (the session runs in UTC), the audit log numbers its rows with an identity column.
#pragma once

#include <string>

#include "db/dialect.hpp"

namespace runner {

class PgDialect final : public Dialect {
  public:
    // `schema`: where runner's tables are (version_table_schema); empty: the current schema,
    // the first of the search_path that exists. `search_schema`: the migrations' schema
    // (--schema), which offline scripts create and set as their search_path.
    explicit PgDialect(std::string schema = {}, std::string search_schema = {})
        : schema_(std::move(schema)), search_schema_(std::move(search_schema)) {}

    // Without a `schema`: the current schema the connection found when it opened, which names
    // runner's tables from then on (a migration that changes the search_path, as pg_dump's
    // output does, must not lose them). Offline scripts still leave them unqualified.
    void set_current_schema(std::string current) { current_ = std::move(current); }

    std::string quote_identifier(std::string_view name) const override;
    std::string identifier(std::string_view name) const override;
    std::string table(std::string_view name) const override;
    std::string offline_table(std::string_view name) const override;
    std::string quote_literal(std::string_view value) const override;
    std::string parameter(int index) const override;
    std::string now() const override;

    std::vector<std::string> bookkeeping_ddl(const BookkeepingTables& tables,
                                             bool qualified) const override;
    std::string insertion_order() const override;
    std::string table_exists_query() const override;
    std::string table_columns_query() const override;
    std::string upsert(const std::string& table, const std::vector<std::string>& columns,
                       const std::string& key) const override;

    std::string offline_preamble() const override;
    std::string offline_begin() const override;
    std::string offline_commit() const override;
    std::string offline_foreign_key_setup() const override;
    std::string offline_foreign_key_check() const override;

  private:
    // The schema condition of catalog queries: "n.nspname = current_schema()" or a literal.
    std::string schema_condition() const;

    // Where runner's tables are: `schema`, else the current schema found; empty when neither.
    const std::string& home() const { return schema_.empty() ? current_ : schema_; }

    std::string schema_;
    std::string search_schema_;
    std::string current_;
};

}  // namespace runner
