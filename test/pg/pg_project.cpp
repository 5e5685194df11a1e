// See pg_project.hpp.
#include "pg_project.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <memory>

#include "db/postgres/pg_session.hpp"
#include "pg_cluster.hpp"

namespace runner::pgtest {

PgProject::PgProject() : database_(fresh_database()) {}

std::string PgProject::url() const {
    return url_of(database_);
}

integration::RunResult PgProject::run(const std::vector<std::string>& args,
                                      const integration::EnvOverrides& env) const {
    std::vector<std::string> all{"--db", url(), "--dir", dir()};
    all.insert(all.end(), args.begin(), args.end());
    return integration::run_runner(all, root(), env);
}

void PgProject::write_chain(const std::vector<std::string>& revs) const {
    std::vector<std::string> parent;
    for (std::size_t i = 0; i < revs.size(); ++i) {
        char number[32];
        std::snprintf(number, sizeof number, "%04zu", i + 1);
        const std::string& rev = revs[i];
        integration::write_migration(dir(), std::string(number) + "_" + rev, rev, parent,
                                     "CREATE TABLE t_" + rev + " (x integer);\n",
                                     "DROP TABLE t_" + rev + ";\n");
        parent = {rev};
    }
}

std::vector<std::string> PgProject::column(const std::string& sql) const {
    PgSession session(url(), database_);
    std::vector<std::string> out;
    for (const auto& row : session.query(sql, {}, "test query")) {
        out.push_back(row.at(0).value_or("NULL"));
    }
    return out;
}

std::string PgProject::value(const std::string& sql) const {
    const auto rows = column(sql);
    return rows.empty() ? "NULL" : rows.front();
}

void PgProject::exec(const std::string& sql) const {
    PgSession session(url(), database_);
    session.exec(sql, "test setup");
}

std::vector<std::string> PgProject::applied(const std::string& schema) const {
    if (value("SELECT to_regclass('" + schema + ".runner_version') IS NOT NULL") != "t") {
        return {};
    }
    return column("SELECT revision FROM " + schema + ".runner_version ORDER BY revision");
}

std::vector<std::string> PgProject::tables(const std::string& schema) const {
    return column("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema +
                  "' ORDER BY tablename");
}

std::string PgProject::fingerprint() const {
    const char* const kQueries[] = {
        "SELECT n.nspname || '.' || c.relname || ' ' || c.relkind::text FROM pg_class c JOIN "
        "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', "
        "'information_schema', 'pg_toast') ORDER BY 1",
        "SELECT table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' "
        "' || is_nullable || ' ' || coalesce(column_default, '') FROM information_schema.columns "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        "SELECT conname::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE "
        "connamespace "
        "NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', "
        "'information_schema')) ORDER BY 1",
        "SELECT nspname::text FROM pg_namespace ORDER BY 1",
        "SELECT typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE "
        "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1",
        "SELECT proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE "
        "n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    };
    std::string out;
    for (const char* sql : kQueries) {
        for (const auto& line : column(sql)) {
            out += line + "\n";
        }
        out += "--\n";
    }
    // Row contents of every user table.
    for (const auto& table :
         column("SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
        for (const auto& row : column("SELECT t::text FROM " + table + " t ORDER BY 1")) {
            out += table + " " + row + "\n";
        }
    }
    return out;
}

void check_eight_runners_apply_each_migration_once(const PgProject& p) {
    using integration::ChildProcess;
    using integration::contains;
    using integration::runner_options;
    using integration::StartGate;
    using integration::write_migration;
    p.exec("CREATE TABLE applied_log (rev text NOT NULL)");
    std::vector<std::string> parent;
    constexpr int kMigrations = 12;
    for (int i = 1; i <= kMigrations; ++i) {
        const std::string rev = "m" + std::to_string(100 + i);
        // Not idempotent: a second run of the same migration adds a second row (and the ALTER
        // fails outright).
        write_migration(p.dir(), std::to_string(1000 + i) + "_" + rev, rev, parent,
                        "INSERT INTO applied_log VALUES ('" + rev + "');\n" +
                            "ALTER TABLE applied_log ADD COLUMN c_" + rev + " integer;\n",
                        "ALTER TABLE applied_log DROP COLUMN c_" + rev + ";\n");
        parent = {rev};
    }
    StartGate gate;
    std::vector<std::unique_ptr<ChildProcess>> runners;
    for (int k = 0; k < 8; ++k) {
        auto options = runner_options(
            {"--db", p.url(), "--dir", p.dir(), "--lock-timeout", "60", "upgrade", "head"},
            p.root());
        options.gate = &gate;
        options.timeout = std::chrono::seconds(120);
        runners.push_back(std::make_unique<ChildProcess>(options));
    }
    gate.open();
    int ran_something = 0;
    for (auto& child : runners) {
        const auto r = child->wait();
        BOOST_TEST(r.exit_code == 0, r);
        if (contains(r.err, "Running upgrade")) {
            ++ran_something;
        }
    }
    BOOST_TEST(ran_something >= 1);
    BOOST_TEST(p.value("SELECT count(*) FROM applied_log") == std::to_string(kMigrations));
    BOOST_TEST(p.value("SELECT count(DISTINCT rev) FROM applied_log") ==
               std::to_string(kMigrations));
    BOOST_TEST(p.value("SELECT count(*) FROM runner_version") == std::to_string(kMigrations));
    BOOST_TEST(p.value("SELECT count(*) FROM runner_version_log WHERE action = 'upgrade'") ==
               std::to_string(kMigrations));
}

}  // namespace runner::pgtest
