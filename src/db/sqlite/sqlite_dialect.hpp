// SQLite's SQL text: see db/dialect.hpp.
#pragma once

#include "db/dialect.hpp"

namespace runner {

class SqliteDialect final : public Dialect {
  public:
    std::string quote_identifier(std::string_view name) const override;
    std::string identifier(std::string_view name) const override;
    std::string table(std::string_view name) const override;
    std::string quote_literal(std::string_view value) const override;
    std::string parameter(int index) const override;
    std::string now() const override;
    std::vector<std::string> bookkeeping_ddl(const BookkeepingTables& tables,
                                             bool qualified) const override;
    std::string insertion_order() const override { return "rowid"; }
    std::string table_exists_query() const override;
    std::string table_columns_query() const override;
    std::string upsert(const std::string& table, const std::vector<std::string>& columns,
                       const std::string& key) const override;
    std::string offline_preamble() const override;
    std::string offline_begin() const override { return "BEGIN IMMEDIATE;\n"; }
    std::string offline_commit() const override { return "COMMIT;\n"; }
    std::string offline_foreign_key_setup() const override;
    std::string offline_foreign_key_check() const override;
};

// The one instance (it has no state).
const SqliteDialect& sqlite_dialect();

}  // namespace runner
