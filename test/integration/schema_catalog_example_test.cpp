// The schema reader on the repository's own sql/ migrations: the database `runner upgrade head`
// builds reads as a model whose rendered SQL rebuilds an equal schema, byte for byte.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include <memory>
#include <stdexcept>

#include "db/sqlite/catalog.hpp"
#include "schema/diff.hpp"
#include "schema/render.hpp"
#include "support.hpp"

namespace runner::integration {
namespace {

struct Closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
};
using Connection = std::unique_ptr<sqlite3, Closer>;

Connection open(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Connection db(raw);
    if (rc != SQLITE_OK) {
        throw std::runtime_error("cannot open " + path);
    }
    return db;
}

Schema read(const std::string& path) {
    const Connection db = open(path, SQLITE_OPEN_READONLY);
    return read_sqlite_schema(db.get(), bookkeeping_tables("runner_version"));
}

BOOST_AUTO_TEST_SUITE(schema_catalog_example)

BOOST_AUTO_TEST_CASE(the_example_schema_renders_as_sql_that_rebuilds_it_byte_for_byte) {
    Project p;
    const RunResult up =
        run_runner({"--db", p.db(), "--dir", example_sql_dir(), "upgrade", "head"}, p.root());
    BOOST_TEST_REQUIRE(up.exit_code == 0, up);

    const Schema migrated = read(p.db());
    const std::string sql = render_schema_sql(migrated);
    const std::string copy = p.path("rebuilt.db");
    exec_sql(copy, sql);
    const Schema rebuilt = read(copy);

    BOOST_TEST(render_differences_text(diff_schemas(migrated, rebuilt)) == "");
    BOOST_TEST(render_schema_sql(rebuilt) == sql);
    BOOST_TEST(render_schema_json(rebuilt) == render_schema_json(migrated));
    // What the migrations made, and nothing of runner's own.
    std::vector<std::string> tables;
    for (const TableDef& t : migrated.tables) {
        tables.push_back(t.name);
    }
    BOOST_TEST(tables == (std::vector<std::string>{"chat_messages", "oauth_tokens", "posts",
                                                   "sessions", "users"}),
               boost::test_tools::per_element());
    BOOST_TEST(migrated.triggers.size() == 2U);
    BOOST_TEST(contains(sql,
                        "'posts.scheduled_at is required for status ''scheduled''; set it "
                        "first'"),
               sql);
    BOOST_TEST(contains(sql,
                        "CHECK (status IN ('draft', 'scheduled', 'publishing', 'posted', "
                        "'failed', 'cancelled'))"),
               sql);
    BOOST_TEST(!contains(sql, "runner_version"), sql);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
