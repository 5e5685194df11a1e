// The shared workflow cases' database in pg_tests: a fresh database of the run's throwaway
// cluster (scripts/pg-test-cluster), read through libpq.
#include <memory>

#include "db/postgres/pg_session.hpp"
#include "pg_cluster.hpp"
#include "program.hpp"
#include "workflow.hpp"

namespace runner::shared {
namespace {

// Catalog queries, one line per object, outside PostgreSQL's own schemas.
const char* const kSchemaQueries[] = {
    "SELECT nspname::text FROM pg_namespace ORDER BY 1",
    "SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', "
    "'information_schema', 'pg_toast') ORDER BY 1",
    "SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || "
    "data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') FROM "
    "information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
    "ORDER BY 1",
    "SELECT 'constraint ' || conname::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', "
    "'information_schema')) ORDER BY 1",
    "SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', "
    "'information_schema') ORDER BY 1",
    "SELECT 'view ' || schemaname || '.' || viewname || ' ' || definition FROM pg_views WHERE "
    "schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    "SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1",
    "SELECT 'type ' || typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1",
    "SELECT 'function ' || proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = "
    "p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
};

class PgDatabase final : public TestDatabase {
  public:
    PgDatabase() : database_(pgtest::fresh_database()) {}

    std::string backend() const override { return "postgresql"; }
    std::string url() const override { return pgtest::url_of(database_); }

    std::vector<std::string> column(const std::string& sql) const override {
        std::vector<std::string> out;
        for (const auto& row : session().query(sql, {}, "test query")) {
            out.push_back(row.at(0).value_or("NULL"));
        }
        return out;
    }

    void exec(const std::string& sql) const override { session().exec(sql, "test setup"); }

    std::vector<std::string> tables() const override {
        return column(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    }

    integration::RunResult apply_script(const std::string& script,
                                        const std::string& cwd) const override {
        const auto& c = pgtest::cluster();
        return integration::run_program(
            {"psql", "-X", "-q", "-h", c.host, "-p", c.port, "-U", c.user, "-d", database_}, cwd,
            {}, script);
    }

  protected:
    bool exists() const override { return true; }

    std::vector<std::string> schema() const override {
        std::vector<std::string> out;
        for (const char* sql : kSchemaQueries) {
            const auto lines = column(sql);
            out.insert(out.end(), lines.begin(), lines.end());
        }
        return out;
    }

    std::vector<std::string> rows(const std::string& table,
                                  const std::string& where) const override {
        return column("SELECT t::text FROM public.\"" + table + "\" t" +
                      (where.empty() ? "" : " WHERE " + where) + " ORDER BY 1");
    }

  private:
    // One connection for all the test's reads, opened on first use. It stays idle between
    // statements (autocommit, no transaction left open), so it holds no lock a runner could wait
    // for.
    PgSession& session() const {
        if (!session_) {
            session_ = std::make_unique<PgSession>(url(), database_);
        }
        return *session_;
    }

    std::string database_;
    mutable std::unique_ptr<PgSession> session_;
};

}  // namespace

std::unique_ptr<TestDatabase> make_test_database(const std::string&) {
    return std::make_unique<PgDatabase>();
}

}  // namespace runner::shared
