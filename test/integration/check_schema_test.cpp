// `runner check --schema`: the live schema against the one the migrations produce at the
// database's applied revisions; a difference exits 7 and says what is extra, missing or changed.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// The example project upgraded to `target` in a fresh folder.
struct Example {
    explicit Example(const std::string& target = "head") {
        const RunResult up = run({"upgrade", target});
        BOOST_TEST_REQUIRE(up.exit_code == 0, up);
    }
    RunResult run(const std::vector<std::string>& args) const {
        std::vector<std::string> all = {"--dir", example_sql_dir(), "--db", p.db()};
        all.insert(all.end(), args.begin(), args.end());
        return run_runner(all, p.root());
    }
    Project p;
};

BOOST_AUTO_TEST_SUITE(check_schema)

BOOST_AUTO_TEST_CASE(the_example_after_upgrade_head_passes) {
    const Example e;

    const RunResult r = e.run({"check", "--schema"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out == "ok: " + e.p.db() +
                            " is at the heads (28811d8b1b93), with no edited migrations, and its "
                            "schema is the one the migrations produce\n");
}

BOOST_AUTO_TEST_CASE(a_hand_added_column_exits_7_and_is_named) {
    const Example e;
    exec_sql(e.p.db(), "ALTER TABLE users ADD COLUMN nickname TEXT NOT NULL DEFAULT 'x';");

    const RunResult r = e.run({"check", "--schema"});
    const RunResult without = e.run({"check"});

    BOOST_TEST(r.exit_code == 7, r);
    BOOST_TEST(r.out == "schema: " + e.p.db() +
                            " differs from the schema the migrations produce at its applied "
                            "revisions (28811d8b1b93); 'runner schema --live' and 'runner "
                            "schema' show both whole:\n"
                            "extra column users.nickname: nickname TEXT NOT NULL DEFAULT 'x'\n");
    // Comparing schemas is asked for: plain check looks at the bookkeeping only.
    BOOST_TEST(without.exit_code == 0, without);
}

BOOST_AUTO_TEST_CASE(a_dropped_index_is_missing) {
    const Example e;
    exec_sql(e.p.db(), "DROP INDEX idx_users_email;");

    const RunResult r = e.run({"check", "--schema"});

    BOOST_TEST(r.exit_code == 7, r);
    BOOST_TEST(contains(r.out,
                        "\nmissing index idx_users_email on users: CREATE INDEX "
                        "idx_users_email ON users (email)\n"),
               r.out);
}

BOOST_AUTO_TEST_CASE(a_changed_trigger_shows_what_was_expected_and_what_is_there) {
    const Example e;
    exec_sql(e.p.db(),
             "DROP TRIGGER posts_require_scheduled_at;\n"
             "CREATE TRIGGER posts_require_scheduled_at BEFORE UPDATE OF status ON posts\n"
             "WHEN NEW.status = 'scheduled' BEGIN SELECT RAISE(ABORT, 'no'); END;");

    const RunResult r = e.run({"check", "--schema"});

    BOOST_TEST(r.exit_code == 7, r);
    BOOST_TEST(contains(r.out,
                        "\nchanged trigger posts_require_scheduled_at on posts\n"
                        "    expected: CREATE TRIGGER posts_require_scheduled_at BEFORE "
                        "UPDATE OF status, scheduled_at ON posts"),
               r.out);
    BOOST_TEST(contains(r.out,
                        "\n    actual:   CREATE TRIGGER posts_require_scheduled_at BEFORE "
                        "UPDATE OF status ON posts WHEN NEW.status = 'scheduled' BEGIN "
                        "SELECT RAISE (ABORT, 'no'); END\n"),
               r.out);
}

BOOST_AUTO_TEST_CASE(it_compares_at_the_applied_revisions_not_the_heads) {
    const Example e("c143");

    const RunResult same = e.run({"check", "--schema"});
    exec_sql(e.p.db(), "CREATE TABLE scratch_notes (x);");
    const RunResult changed = e.run({"check", "--schema", "--format", "json"});

    // Pending migrations are not schema differences.
    BOOST_TEST(same.exit_code == 3, same);
    BOOST_TEST(!contains(same.out, "schema:"), same.out);
    BOOST_TEST(changed.exit_code == 7, changed);
    BOOST_TEST(contains(changed.out, "\"status\":\"schema\""), changed.out);
    BOOST_TEST(contains(changed.out,
                        "\"schema\":[{\"kind\":\"extra\",\"object\":\"table\",\"table\":"
                        "\"scratch_notes\""),
               changed.out);
}

BOOST_AUTO_TEST_CASE(it_never_writes_the_database) {
    const Example e;
    exec_sql(e.p.db(), "DROP INDEX idx_users_email;");
    const std::string before = file_bytes(e.p.db());

    const RunResult r = e.run({"check", "--schema"});

    BOOST_TEST(r.exit_code == 7, r);
    BOOST_TEST(file_bytes(e.p.db()) == before);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
