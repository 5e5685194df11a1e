// examples/postgres/ (the ContentEngine schema in PostgreSQL's dialect) with its own runner.ini:
// upgraded to head, downgraded to base, upgraded again, verified; its data migration backfills,
// its non-transactional enum change and concurrent index build leave the server as written.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "pg_cluster.hpp"
#include "pg_project.hpp"

namespace runner::pgtest {

using integration::contains;
using integration::RunResult;

namespace {

// runner -c examples/postgres/runner.ini --db URL ARGS.
RunResult example(const PgProject& p, std::vector<std::string> args) {
    std::vector<std::string> all{
        "-c", std::string(RUNNER_SOURCE_DIR) + "/examples/postgres/runner.ini", "--db", p.url()};
    all.insert(all.end(), args.begin(), args.end());
    return integration::run_runner(all, p.root());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pg_example)

BOOST_AUTO_TEST_CASE(the_example_upgrades_downgrades_upgrades_again_and_verifies) {
    PgProject p;
    RunResult r = example(p, {"upgrade", "2983163e0c11"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "Running upgrade c143ef205bf8 -> 3d8cb6574373"), r);
    BOOST_TEST(contains(r.err, "Running upgrade c143ef205bf8 -> 79af062be5ee"), r);
    // Rows for the data migration to backfill.
    p.exec(
        "INSERT INTO users (linkedin_sub, name, email) VALUES ('s1', 'Ada', NULL), "
        "('s2', '  ', 'bob@example.com'), ('s3', NULL, NULL)");
    p.exec("INSERT INTO posts (content, user_id) SELECT 'hello', id FROM users");

    r = example(p, {"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.err, "(non-transactional)"), r);
    BOOST_TEST(p.column("SELECT full_name FROM users ORDER BY linkedin_sub") ==
               (std::vector<std::string>{"Ada", "bob@example.com", "s3"}));
    BOOST_TEST(p.value("SELECT is_nullable FROM information_schema.columns WHERE table_name = "
                       "'users' AND column_name = 'full_name'") == "NO");
    BOOST_TEST(p.value("SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum "
                       "WHERE enumtypid = 'post_status'::regtype") ==
               "draft,scheduled,publishing,posted,failed,cancelled");
    BOOST_TEST(p.value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                       "'idx_posts_due'::regclass") == "t");
    BOOST_TEST(example(p, {"current"}).out == "5f1e0c9a7b42 (head)\n");

    r = example(p, {"check", "--schema"});
    BOOST_TEST(r.exit_code == 0, r);
    const RunResult built = example(p, {"schema"});
    BOOST_TEST(built.exit_code == 0, built);
    BOOST_TEST(example(p, {"schema", "--live"}).out == built.out);
    BOOST_TEST(contains(built.out,
                        "CREATE TYPE post_status AS ENUM ('draft', 'scheduled', "
                        "'publishing', 'posted', 'failed', 'cancelled');\n"),
               built.out);

    // A cancelled post survives the way down: mapped onto 'failed'.
    p.exec(
        "UPDATE posts SET status = 'cancelled' WHERE content = 'hello' AND user_id = (SELECT "
        "id FROM users WHERE linkedin_sub = 's1')");
    r = example(p, {"downgrade", "base"});
    BOOST_TEST(r.exit_code == 0, r);
    for (const auto& table : p.tables()) {
        BOOST_TEST(table.rfind("runner_version", 0) == 0,
                   "only runner's tables are left: " + table);
    }
    BOOST_TEST(p.value("SELECT to_regtype('post_status') IS NULL") == "t");

    r = example(p, {"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    r = example(p, {"check", "--schema"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(example(p, {"schema", "--live"}).out == built.out);

    r = example(p, {"verify"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(contains(r.out,
                        "verify: 10 revisions (up, down, up again) on a scratch database "
                        "made from template0"),
               r.out);
    BOOST_TEST(contains(r.out, ": all passed\n"), r.out);
}

BOOST_AUTO_TEST_CASE(the_downgrade_of_the_enum_change_maps_new_statuses_onto_old_ones) {
    PgProject p;
    RunResult r = example(p, {"upgrade", "head"});
    BOOST_TEST(r.exit_code == 0, r);
    p.exec("INSERT INTO users (linkedin_sub, name, full_name) VALUES ('s1', 'Ada', 'Ada')");
    p.exec(
        "INSERT INTO posts (content, status, scheduled_at) VALUES ('a', 'publishing', now()), "
        "('b', 'cancelled', now())");
    r = example(p, {"downgrade", "25e087a41007"});
    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(p.column("SELECT status || ' ' || coalesce(error_message, '-') FROM posts ORDER "
                        "BY content") ==
               (std::vector<std::string>{"scheduled -", "failed cancelled by user"}));
    BOOST_TEST(p.value("SELECT to_regclass('idx_posts_due') IS NULL") == "t");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace runner::pgtest
