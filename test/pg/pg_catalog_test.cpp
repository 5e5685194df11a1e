// The schema commands on PostgreSQL through the built runner: `schema` (built on a scratch
// database made from template0 and dropped afterwards) and `schema --live` read pg_catalog into
// the same model as on SQLite and print PostgreSQL SQL that rebuilds the schema; `check --schema`
// flags what was changed by hand; `verify` catches downs that do not undo their up.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::RunResult;
using integration::write_migration;

namespace {

// Two revisions using what PostgreSQL has and SQLite does not: an enum type, serial and identity
// columns, uuid and timestamptz with defaults, a standalone sequence, a trigger function, a
// partial and an expression index, a view.
void write_rich_history(const PgProject& p) {
    write_migration(
        p.dir(), "0001_base", "base0001", {},
        "CREATE TYPE post_status AS ENUM ('draft', 'published');\n"
        "CREATE SEQUENCE ticket_numbers START 100 INCREMENT 5;\n"
        "CREATE TABLE users (\n"
        "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
        "    email text NOT NULL UNIQUE,\n"
        "    created_at timestamptz NOT NULL DEFAULT now(),\n"
        "    CONSTRAINT email_has_at CHECK (position('@' in email) > 1)\n"
        ");\n"
        "CREATE TABLE posts (\n"
        "    id serial PRIMARY KEY,\n"
        "    uid uuid NOT NULL DEFAULT gen_random_uuid(),\n"
        "    author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
        "    title varchar(200) NOT NULL CHECK (title <> ''),\n"
        "    status post_status NOT NULL DEFAULT 'draft',\n"
        "    ticket integer DEFAULT nextval('ticket_numbers'),\n"
        "    updated_at timestamptz\n"
        ");\n"
        "CREATE INDEX posts_published ON posts (author_id) WHERE status = 'published';\n"
        "CREATE UNIQUE INDEX users_email_lower ON users (lower(email));\n"
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN NEW.updated_at := now(); RETURN NEW; END $$;\n"
        "CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION "
        "touch();\n",
        "DROP TABLE posts;\nDROP TABLE users;\nDROP FUNCTION touch();\n"
        "DROP SEQUENCE ticket_numbers;\nDROP TYPE post_status;\n");
    write_migration(p.dir(), "0002_view", "view0002", {"base0001"},
                    "CREATE VIEW published AS SELECT id, title FROM posts WHERE status = "
                    "'published';\n",
                    "DROP VIEW published;\n");
}

// Scratch databases runner left on the server.
std::string scratch_databases(const PgProject& p) {
    const auto names =
        p.column("SELECT datname FROM pg_database WHERE datname LIKE 'runner_scratch_%'");
    std::string out;
    for (const auto& n : names) {
        out += n + " ";
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_catalog)

BOOST_AUTO_TEST_CASE(schema_prints_postgresql_that_rebuilds_the_same_schema) {
    PgProject p;
    write_rich_history(p);
    const RunResult built = p.run({"schema"});
    BOOST_TEST(built.exit_code == 0, built);
    BOOST_TEST(scratch_databases(p) == "", "the scratch database is dropped afterwards");
    BOOST_TEST(contains(built.out, "CREATE TYPE post_status AS ENUM ('draft', 'published');\n"),
               built.out);
    BOOST_TEST(contains(built.out, "CREATE SEQUENCE ticket_numbers "), built.out);
    BOOST_TEST(contains(built.out, "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
               built.out);
    BOOST_TEST(contains(built.out, "id serial PRIMARY KEY"), built.out);
    BOOST_TEST(contains(built.out, "uid uuid NOT NULL DEFAULT gen_random_uuid()"), built.out);
    BOOST_TEST(contains(built.out, "created_at timestamp with time zone NOT NULL DEFAULT now()"),
               built.out);
    BOOST_TEST(contains(built.out,
                        "CREATE INDEX posts_published ON posts USING btree "
                        "(author_id) WHERE status = 'published'::post_status;\n"),
               built.out);
    BOOST_TEST(contains(built.out,
                        "SET check_function_bodies = false;\nCREATE OR REPLACE "
                        "FUNCTION touch()\n RETURNS trigger\n"),
               built.out);
    BOOST_TEST(contains(built.out,
                        "CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH "
                        "ROW EXECUTE FUNCTION touch();\n"),
               built.out);
    BOOST_TEST(contains(built.out, "CREATE VIEW published AS"), built.out);
    BOOST_TEST(!contains(built.out, "runner_version"), built.out);

    // The database the migrations built prints the same bytes as the scratch one.
    RunResult r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    const RunResult live = p.run({"schema", "--live"});
    BOOST_TEST(live.exit_code == 0, live);
    BOOST_TEST(live.out == built.out);

    // And a database built by running that output (as psql would) prints them again.
    const std::string copy = fresh_database();
    admin_sql(copy, built.out);
    const RunResult again = integration::run_runner(
        {"--db", url_of(copy), "--dir", p.dir(), "schema", "--live"}, p.root());
    BOOST_TEST(again.exit_code == 0, again);
    BOOST_TEST(again.out == built.out);

    // check --schema passes on the database the migrations built.
    r = p.run({"check", "--schema"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "its schema is the one the migrations produce"), r);
    BOOST_TEST(scratch_databases(p) == "");

    const RunResult json = p.run({"schema", "--live", "--format", "json"});
    BOOST_TEST(json.exit_code == 0, json);
    BOOST_TEST(contains(json.out,
                        "\"types\":[{\"name\":\"post_status\",\"labels\":[\"draft\","
                        "\"published\"]}]"),
               json.out);
}

BOOST_AUTO_TEST_CASE(check_schema_flags_a_hand_added_column_a_dropped_index_a_changed_trigger) {
    PgProject p;
    write_rich_history(p);
    RunResult r = p.run({"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);

    p.exec("ALTER TABLE users ADD COLUMN nickname text NOT NULL DEFAULT 'x'");
    r = p.run({"check", "--schema"});
    BOOST_TEST(r.exit_code == 7, r);
    BOOST_TEST(contains(r.out,
                        "(view0002); 'runner schema --live' and 'runner schema' show "
                        "both whole:\n"
                        "extra column users.nickname: nickname text NOT NULL DEFAULT "
                        "'x'::text\n"),
               r.out);
    BOOST_TEST(p.run({"check"}).exit_code == 0);
    p.exec("ALTER TABLE users DROP COLUMN nickname");

    p.exec("DROP INDEX posts_published");
    r = p.run({"check", "--schema"});
    BOOST_TEST(r.exit_code == 7, r);
    BOOST_TEST(contains(r.out,
                        "\nmissing index posts_published on posts: CREATE INDEX "
                        "posts_published ON posts USING btree (author_id) WHERE "
                        "status = 'published'::post_status\n"),
               r.out);
    p.exec("CREATE INDEX posts_published ON posts (author_id) WHERE status = 'published'");
    BOOST_TEST(p.run({"check", "--schema"}).exit_code == 0);

    p.exec(
        "DROP TRIGGER posts_touch ON posts; CREATE TRIGGER posts_touch BEFORE INSERT ON posts "
        "FOR EACH ROW EXECUTE FUNCTION touch()");
    r = p.run({"check", "--schema"});
    BOOST_TEST(r.exit_code == 7, r);
    BOOST_TEST(contains(r.out,
                        "\nchanged trigger posts_touch on posts\n"
                        "    expected: CREATE TRIGGER posts_touch BEFORE UPDATE ON posts "
                        "FOR EACH ROW EXECUTE FUNCTION touch()\n"
                        "    actual:   CREATE TRIGGER posts_touch BEFORE INSERT ON posts "
                        "FOR EACH ROW EXECUTE FUNCTION touch()\n"),
               r.out);

    p.exec("ALTER TYPE post_status ADD VALUE 'archived'");
    r = p.run({"check", "--schema"});
    BOOST_TEST(r.exit_code == 7, r);
    BOOST_TEST(contains(r.out,
                        "\nchanged type post_status\n"
                        "    expected: CREATE TYPE post_status AS ENUM ('draft', "
                        "'published')\n"),
               r.out);
    BOOST_TEST(scratch_databases(p) == "");
}

BOOST_AUTO_TEST_CASE(check_schema_reads_the_schema_named_by_dash_dash_schema) {
    PgProject p;
    write_rich_history(p);
    RunResult r = p.run({"--schema", "app", "upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    r = p.run({"--schema", "app", "check", "--schema"});
    BOOST_TEST(r.exit_code == 0, r);
    const RunResult live = p.run({"--schema", "app", "schema", "--live"});
    BOOST_TEST(contains(live.out, "CREATE TABLE posts ("), live.out);
    BOOST_TEST(!contains(live.out, "app."), live.out);
    BOOST_TEST(p.run({"schema", "--live"}).out == "", "public is empty");
}

BOOST_AUTO_TEST_CASE(verify_passes_a_good_history_and_drops_its_scratch_databases) {
    PgProject p;
    write_rich_history(p);
    const RunResult r = p.run({"verify"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out, "verify: 2 revisions (up, down, up again) on a scratch database "),
               r.out);
    BOOST_TEST(contains(r.out, ": all passed\n"), r.out);
    BOOST_TEST(scratch_databases(p) == "");
    BOOST_TEST(p.tables().empty(), "the database itself is never touched");
}

BOOST_AUTO_TEST_CASE(verify_catches_a_down_that_forgets_an_index) {
    PgProject p;
    write_migration(p.dir(), "0001_root", "root0001", {}, "CREATE TABLE t (v text);\n",
                    "DROP TABLE t;\n");
    write_migration(p.dir(), "0002_bad", "bad10002", {"root0001"}, "CREATE INDEX t_v ON t (v);\n",
                    "SELECT 1;\n");
    const RunResult r = p.run({"verify"});
    BOOST_TEST(r.exit_code == 8, r);
    BOOST_TEST(contains(r.out, "FAIL bad10002 (0002_bad), " + p.dir() +
                                   "/0002_bad.down.sql: the down does not give back the schema "
                                   "from before the up\n"
                                   "    extra index t_v on t: CREATE INDEX t_v ON t USING btree "
                                   "(v)\n"),
               r.out);
    BOOST_TEST(contains(r.out, "relation \"t_v\" already exists"), r.out);
    BOOST_TEST(scratch_databases(p) == "", "dropped also when a revision fails");
}

BOOST_AUTO_TEST_CASE(verify_catches_a_down_that_leaves_a_check_out) {
    PgProject p;
    write_migration(p.dir(), "0001_root", "root0001", {},
                    "CREATE TABLE t (v text CONSTRAINT v_set CHECK (v <> ''));\n",
                    "DROP TABLE t;\n");
    write_migration(p.dir(), "0002_bad", "bad10002", {"root0001"},
                    "ALTER TABLE t DROP CONSTRAINT v_set;\nALTER TABLE t ADD COLUMN w integer;\n",
                    "ALTER TABLE t DROP COLUMN w;\n");
    const RunResult r = p.run({"verify"});
    BOOST_TEST(r.exit_code == 8, r);
    BOOST_TEST(contains(r.out, "FAIL bad10002 (0002_bad), " + p.dir() + "/0002_bad.down.sql"),
               r.out);
    BOOST_TEST(contains(r.out, "    missing check on t: CONSTRAINT v_set CHECK (v <> ''::text)\n"),
               r.out);
    BOOST_TEST(scratch_databases(p) == "");
}

BOOST_AUTO_TEST_CASE(diff_compares_the_schema_file_and_autogenerate_refuses_clearly) {
    PgProject p;
    write_migration(p.dir(), "0001_root", "root0001", {}, "CREATE TABLE t (v text);\n",
                    "DROP TABLE t;\n");
    integration::write_file(p.path("schema.sql"), "CREATE TABLE t (v text, w integer);\n");
    RunResult r = p.run({"diff", "--schema-file", p.path("schema.sql")});
    BOOST_TEST(r.exit_code == 3, r);
    BOOST_TEST(contains(r.out, "missing column t.w: w integer"), r.out);
    integration::write_file(p.path("schema.sql"), "CREATE TABLE t (v text);\n");
    r = p.run({"diff", "--schema-file", p.path("schema.sql")});
    BOOST_TEST(r.exit_code == 0, r);

    r = p.run({"revision", "-m", "more", "--autogenerate", "--schema-file", p.path("schema.sql")});
    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.err ==
                   "runner: error: revision --autogenerate writes SQLite's table rebuilds and "
                   "does not write PostgreSQL yet; write the migration by hand ('runner diff' "
                   "lists what differs)\n",
               r);
    BOOST_TEST(scratch_databases(p) == "");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
