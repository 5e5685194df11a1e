// `runner schema`: the schema the migrations produce (built on a scratch database) and the live
// one, as deterministic SQL that rebuilds it; REV; branches and merges; JSON.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// base -> root -> {a (label left), b (label right)} -> merge; c depends_on a, off root.
// Exercises a rebuild (SQLite keeps a renamed table's text), a view, a trigger, CHECK, FK.
void write_branchy(const Project& p) {
    write_migration(p.dir(), "0001_root", "root0001", {},
                    "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n",
                    "DROP TABLE accounts;\n");
    write_migration(
        p.dir(), "0002_left", "left0002", {"root0001"},
        "CREATE TABLE orders (id INTEGER PRIMARY KEY,\n"
        "  account_id INTEGER REFERENCES accounts(id), total REAL CHECK (total >= 0));\n"
        "CREATE INDEX orders_account ON orders(account_id);\n",
        "DROP TABLE orders;\n", {"branch_labels: left"});
    write_migration(p.dir(), "0003_right", "rght0003", {"root0001"},
                    "CREATE VIEW account_names AS SELECT name FROM accounts;\n"
                    "CREATE TABLE audit (at TEXT);\n"
                    "CREATE TRIGGER accounts_audit AFTER INSERT ON accounts BEGIN\n"
                    "  INSERT INTO audit VALUES (datetime('now'));\n"
                    "END;\n",
                    "DROP TRIGGER accounts_audit;\nDROP TABLE audit;\nDROP VIEW account_names;\n",
                    {"branch_labels: right"});
    write_migration(p.dir(), "0004_merge", "mrge0004", {"left0002", "rght0003"},
                    "DROP VIEW account_names;\n"
                    "CREATE TABLE accounts_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL,\n"
                    "  email TEXT DEFAULT '');\n"
                    "INSERT INTO accounts_new (id, name) SELECT id, name FROM accounts;\n"
                    "DROP TABLE accounts;\n"
                    "ALTER TABLE accounts_new RENAME TO accounts;\n"
                    "CREATE VIEW account_names AS SELECT name FROM accounts;\n"
                    "CREATE TRIGGER accounts_audit AFTER INSERT ON accounts BEGIN\n"
                    "  INSERT INTO audit VALUES (datetime('now'));\n"
                    "END;\n",
                    "ALTER TABLE accounts DROP COLUMN email;\n");
    write_migration(p.dir(), "0005_dep", "deps0005", {"root0001"},
                    "CREATE TABLE refunds (order_id INTEGER REFERENCES orders(id));\n",
                    "DROP TABLE refunds;\n", {"depends_on: left0002"});
}

BOOST_AUTO_TEST_SUITE(schema_command)

BOOST_AUTO_TEST_CASE(the_migrations_schema_equals_the_live_one_and_rebuilds_it_byte_for_byte) {
    Project p;
    const RunResult up =
        run_runner({"--dir", example_sql_dir(), "--db", p.db(), "upgrade", "head"}, p.root());
    BOOST_TEST_REQUIRE(up.exit_code == 0, up);

    const RunResult built =
        run_runner({"--dir", example_sql_dir(), "--db", p.db(), "schema"}, p.root());
    const RunResult live =
        run_runner({"--dir", example_sql_dir(), "--db", p.db(), "schema", "--live"}, p.root());
    BOOST_TEST_REQUIRE(built.exit_code == 0, built);
    BOOST_TEST_REQUIRE(live.exit_code == 0, live);
    BOOST_TEST(built.err == "");
    BOOST_TEST(built.out == live.out);
    BOOST_TEST(contains(built.out, "CREATE TABLE users (\n    id INTEGER PRIMARY KEY,\n"),
               built.out);
    BOOST_TEST(!contains(built.out, "runner_version"), built.out);

    // The output is a script that builds a database with the same schema, printed the same.
    const std::string copy = p.path("copy.db");
    exec_sql(copy, built.out);
    const RunResult again =
        run_runner({"--dir", example_sql_dir(), "--db", copy, "schema", "--live"}, p.root());
    BOOST_TEST(again.exit_code == 0, again);
    BOOST_TEST(again.out == built.out);
}

BOOST_AUTO_TEST_CASE(the_sections_come_in_order_tables_indexes_views_triggers) {
    Project p;
    write_branchy(p);

    const RunResult r = p.run({"schema"});

    BOOST_TEST_REQUIRE(r.exit_code == 0, r);
    const int accounts = line_of(r.out, "CREATE TABLE accounts (");
    const int orders = line_of(r.out, "CREATE TABLE orders (");
    const int refunds = line_of(r.out, "CREATE TABLE refunds (");
    const int index = line_of(r.out, "CREATE INDEX orders_account ON orders (account_id);");
    const int view = line_of(r.out, "CREATE VIEW account_names AS SELECT name FROM accounts;");
    const int trigger = line_of(r.out, "CREATE TRIGGER accounts_audit AFTER INSERT ON accounts");
    BOOST_TEST(accounts > 0, r.out);
    BOOST_TEST(accounts < orders, r.out);  // referenced before referencing
    BOOST_TEST(orders < refunds, r.out);
    BOOST_TEST(refunds < index, r.out);
    BOOST_TEST(index < view, r.out);
    BOOST_TEST(view < trigger, r.out);
    // A rebuilt-and-renamed table reads under its own name, with the column the merge added.
    BOOST_TEST(contains(r.out, "    email TEXT DEFAULT ''\n"), r.out);
    BOOST_TEST(!contains(r.out, "accounts_new"), r.out);
    // Reading only: no database file appears.
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(a_branchy_history_built_and_rebuilt_prints_the_same_bytes) {
    Project p;
    write_branchy(p);
    const RunResult up = p.run({"upgrade", "heads"});
    BOOST_TEST_REQUIRE(up.exit_code == 0, up);

    const RunResult built = p.run({"schema"});
    const RunResult live = p.run({"schema", "--live"});
    BOOST_TEST_REQUIRE(built.exit_code == 0, built);
    BOOST_TEST(live.out == built.out);

    const std::string copy = p.path("copy.db");
    exec_sql(copy, built.out);
    const RunResult again =
        run_runner({"--db", copy, "--dir", p.dir(), "schema", "--live"}, p.root());
    BOOST_TEST(again.out == built.out);
    const RunResult json_built = p.run({"schema", "--format", "json"});
    const RunResult json_copy = run_runner(
        {"--db", copy, "--dir", p.dir(), "schema", "--live", "--format", "json"}, p.root());
    BOOST_TEST(json_built.exit_code == 0, json_built);
    BOOST_TEST(json_copy.out == json_built.out);
    BOOST_TEST(starts_with(json_built.out, "{\"tables\":[{\"name\":\"accounts\""), json_built.out);
}

BOOST_AUTO_TEST_CASE(a_revision_argument_builds_only_what_that_revision_needs) {
    Project p;
    write_branchy(p);

    const RunResult left = p.run({"schema", "left0002"});
    const RunResult right = p.run({"schema", "rght"});
    const RunResult dep = p.run({"schema", "deps0005"});
    const RunResult base = p.run({"schema", "base"});

    BOOST_TEST_REQUIRE(left.exit_code == 0, left);
    BOOST_TEST(contains(left.out, "CREATE TABLE orders ("), left.out);
    BOOST_TEST(!contains(left.out, "audit"), left.out);
    BOOST_TEST(!contains(left.out, "email"), left.out);
    BOOST_TEST_REQUIRE(right.exit_code == 0, right);
    BOOST_TEST(contains(right.out, "CREATE VIEW account_names"), right.out);
    BOOST_TEST(!contains(right.out, "orders"), right.out);
    // depends_on is followed: refunds needs orders from the left branch.
    BOOST_TEST_REQUIRE(dep.exit_code == 0, dep);
    BOOST_TEST(contains(dep.out, "CREATE TABLE orders ("), dep.out);
    BOOST_TEST(contains(dep.out, "CREATE TABLE refunds ("), dep.out);
    BOOST_TEST(!contains(dep.out, "audit"), dep.out);
    BOOST_TEST(base.exit_code == 0, base);
    BOOST_TEST(base.out == "");
}

BOOST_AUTO_TEST_CASE(several_heads_need_heads_and_an_unknown_revision_is_named) {
    Project p;
    write_migration(p.dir(), "0001_a", "aaaa0001", {}, "CREATE TABLE a (x);\n", "DROP TABLE a;\n");
    write_migration(p.dir(), "0002_b", "bbbb0002", {}, "CREATE TABLE b (x);\n", "DROP TABLE b;\n");

    const RunResult heads = p.run({"schema"});
    const RunResult head = p.run({"schema", "head"});
    const RunResult unknown = p.run({"schema", "zzzz"});

    BOOST_TEST(heads.exit_code == 0, heads);
    BOOST_TEST(heads.out == "CREATE TABLE a (\n    x\n);\nCREATE TABLE b (\n    x\n);\n");
    BOOST_TEST(head.exit_code == 1, head);
    BOOST_TEST(contains(head.err, "Multiple head revisions are present for given argument 'head'"),
               head);
    BOOST_TEST(unknown.exit_code == 1, unknown);
    BOOST_TEST(contains(unknown.err, "Can't locate revision identified by 'zzzz'"), unknown);
}

BOOST_AUTO_TEST_CASE(a_failing_migration_is_named_with_its_file_and_line) {
    Project p;
    write_migration(p.dir(), "0001_a", "aaaa0001", {}, "CREATE TABLE a (x);\nSELECT * FROM nope;\n",
                    "DROP TABLE a;\n");

    const RunResult r = p.run({"schema"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.out == "");
    BOOST_TEST(contains(r.err, "runner: error: " + p.dir() + "/0001_a.up.sql:"), r);
    BOOST_TEST(contains(r.err, "no such table: nope"), r);
    BOOST_TEST(!file_exists(p.db()));
}

BOOST_AUTO_TEST_CASE(without_a_configured_database_it_builds_in_memory) {
    Project p;
    write_branchy(p);

    const RunResult r = run_runner({"--dir", p.dir(), "schema", "right@head"}, p.root());

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "CREATE TRIGGER accounts_audit"), r.out);
    BOOST_TEST(list_dir(p.root()) == std::vector<std::string>{"sql"});
}

BOOST_AUTO_TEST_CASE(live_on_a_missing_database_is_empty_and_creates_nothing) {
    Project p;
    write_branchy(p);

    const RunResult r = p.run({"schema", "--live"});
    const RunResult both = p.run({"schema", "--live", "heads"});
    const RunResult format = p.run({"schema", "--format", "yaml"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out == "");
    BOOST_TEST(contains(r.err, "warning: no database at"), r);
    BOOST_TEST(!file_exists(p.db()));
    BOOST_TEST(both.exit_code == 2, both);
    BOOST_TEST(format.exit_code == 2, format);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
