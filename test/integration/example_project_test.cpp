// The repository's own sql/ migrations: a full round trip, and data surviving the data migration.
#include <algorithm>

#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// Revision ids from the headers of sql/*.up.sql.
constexpr const char* kHead = "28811d8b1b93";           // 0009 posts status publishing/cancelled
constexpr const char* kFullName = "25e087a41007";       // 0008 users.full_name data migration
constexpr const char* kPostsTriggers = "2983163e0c11";  // 0007, just before the data migration

// Runs runner on the example migrations with the project's database.
RunResult run_example(const Project& p, const std::vector<std::string>& args) {
    std::vector<std::string> all{"--db", p.db(), "--dir", example_sql_dir()};
    all.insert(all.end(), args.begin(), args.end());
    return run_runner(all, p.root());
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::vector<std::string> sorted_columns(const Project& p, const std::string& table) {
    return sorted(table_columns(p.db(), table));
}

std::string error_of_sql(const Project& p, const std::string& sql) {
    try {
        exec_sql(p.db(), sql);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

BOOST_AUTO_TEST_SUITE(example_project)

BOOST_AUTO_TEST_CASE(example_goes_up_to_head_down_to_base_and_up_again_with_the_same_schema) {
    Project p;

    const RunResult up = run_example(p, {"upgrade", "head"});

    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(lines_of(up.err).size() == 9U, up);
    BOOST_TEST(
        table_names(p.db()) ==
            (std::vector<std::string>{"chat_messages", "oauth_tokens", "posts", "runner_version",
                                      "runner_version_log", "sessions", "users"}),
        boost::test_tools::per_element());
    BOOST_TEST(sorted_columns(p, "users") ==
                   sorted({"id", "linkedin_sub", "email", "name", "profile_picture_url",
                           "access_token", "refresh_token", "token_expires_at", "created_at",
                           "last_login_at", "full_name"}),
               boost::test_tools::per_element());
    BOOST_TEST(
        sorted_columns(p, "sessions") == sorted({"id", "user_id", "created_at", "expires_at"}),
        boost::test_tools::per_element());
    BOOST_TEST(
        sorted_columns(p, "posts") ==
            sorted({"id", "content", "platform", "status", "user_id", "is_demo", "created_at",
                    "updated_at", "scheduled_at", "posted_at", "external_id", "error_message"}),
        boost::test_tools::per_element());
    BOOST_TEST(sorted_columns(p, "chat_messages") ==
                   sorted({"id", "user_id", "role", "content", "created_at"}),
               boost::test_tools::per_element());
    BOOST_TEST(sorted_columns(p, "oauth_tokens") ==
                   sorted({"id", "platform", "access_token", "refresh_token", "expires_at",
                           "user_sub", "user_email", "created_at", "updated_at"}),
               boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM runner_version") ==
                   std::vector<std::string>{"9"},
               boost::test_tools::per_element());
    BOOST_TEST(run_example(p, {"current"}).out == std::string(kHead) + " (head)\n");
    const auto schema_at_head = schema_dump(p.db());

    const RunResult down = run_example(p, {"downgrade", "base"});

    BOOST_TEST(down.exit_code == 0, down);
    BOOST_TEST(lines_of(down.err).size() == 9U, down);
    BOOST_TEST(
        table_names(p.db()) == (std::vector<std::string>{"runner_version", "runner_version_log"}),
        boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM runner_version") ==
                   std::vector<std::string>{"0"},
               boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(),
                            "SELECT count(*) FROM sqlite_master WHERE type IN "
                            "('index', 'trigger', 'view') AND sql IS NOT NULL") ==
                   std::vector<std::string>{"0"},
               boost::test_tools::per_element());
    BOOST_TEST(run_example(p, {"current"}).out == "");

    const RunResult again = run_example(p, {"upgrade", "head"});

    BOOST_TEST(again.exit_code == 0, again);
    BOOST_TEST(schema_dump(p.db()) == schema_at_head, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(second_upgrade_to_head_changes_nothing_and_exits_zero) {
    Project p;
    BOOST_REQUIRE_EQUAL(run_example(p, {"upgrade", "head"}).exit_code, 0);
    const std::string before = file_bytes(p.db());
    const long long mtime_before = file_mtime_ns(p.db());

    const RunResult r = run_example(p, {"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.err ==
               "Nothing to upgrade: " + p.db() + " already has every migration 'head' needs\n");
    BOOST_TEST(r.out == "");
    BOOST_TEST((file_bytes(p.db()) == before), "the database file changed");
    BOOST_TEST(file_mtime_ns(p.db()) == mtime_before);
}

BOOST_AUTO_TEST_CASE(users_and_their_references_survive_the_full_name_data_migration) {
    Project p;
    BOOST_REQUIRE_EQUAL(run_example(p, {"upgrade", kPostsTriggers}).exit_code, 0);
    BOOST_REQUIRE(run_example(p, {"current"}).out == std::string(kPostsTriggers) + "\n");
    const auto columns = table_columns(p.db(), "users");
    BOOST_REQUIRE((std::find(columns.begin(), columns.end(), "full_name") == columns.end()));
    exec_sql(p.db(),
             "INSERT INTO users (id, linkedin_sub, email, name) VALUES"
             "  (7, 'sub-7', 'ada@example.com', 'Ada Lovelace'),"
             "  (42, 'sub-42', 'grace@example.com', '   '),"
             "  (1000, 'sub-1000', NULL, NULL),"
             "  (1001, 'sub-1001', '', '');"
             "INSERT INTO sessions (id, user_id, expires_at) VALUES"
             "  ('s-1', 42, '2030-01-01T00:00:00Z');"
             "INSERT INTO posts (id, content, user_id, status, scheduled_at) VALUES"
             "  (3, 'hello; world', 7, 'scheduled', '2030-01-01T09:00:00Z'),"
             "  (4, 'draft', 1000, 'draft', NULL);"
             "INSERT INTO chat_messages (id, user_id, role, content) VALUES"
             "  (9, 1001, 'user', 'hi');");

    const RunResult up = run_example(p, {"upgrade", "head"});

    BOOST_TEST(up.exit_code == 0, up);
    BOOST_TEST(query_column(p.db(), "SELECT id || '|' || full_name FROM users ORDER BY id") ==
                   (std::vector<std::string>{"7|Ada Lovelace", "42|grace@example.com",
                                             "1000|sub-1000", "1001|sub-1001"}),
               boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(),
                            "SELECT id || '|' || user_id || '|' || status || '|' || "
                            "content FROM posts ORDER BY id") ==
                   (std::vector<std::string>{"3|7|scheduled|hello; world", "4|1000|draft|draft"}),
               boost::test_tools::per_element());
    BOOST_TEST(
        query_column(p.db(), "SELECT user_id FROM sessions") == std::vector<std::string>{"42"},
        boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(), "SELECT user_id FROM chat_messages") ==
                   std::vector<std::string>{"1001"},
               boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM pragma_foreign_key_check") ==
                   std::vector<std::string>{"0"},
               boost::test_tools::per_element());
    BOOST_TEST(contains(error_of_sql(p, "INSERT INTO users (id, linkedin_sub) VALUES (5, 's5')"),
                        "NOT NULL constraint failed: users.full_name"));
    // 0009 allows the new statuses.
    exec_sql(p.db(), "UPDATE posts SET status = 'cancelled' WHERE id = 3");

    const RunResult undo_statuses = run_example(p, {"downgrade", "-1"});

    BOOST_TEST(undo_statuses.exit_code == 0, undo_statuses);
    BOOST_TEST(run_example(p, {"current"}).out == std::string(kFullName) + "\n");
    BOOST_TEST(query_column(p.db(),
                            "SELECT id || '|' || status || '|' || COALESCE(error_message, "
                            "'-') FROM posts ORDER BY id") ==
                   (std::vector<std::string>{"3|failed|cancelled by user", "4|draft|-"}),
               boost::test_tools::per_element());

    const RunResult undo_full_name = run_example(p, {"downgrade", "-1"});

    BOOST_TEST(undo_full_name.exit_code == 0, undo_full_name);
    BOOST_TEST(run_example(p, {"current"}).out == std::string(kPostsTriggers) + "\n");
    BOOST_TEST(table_columns(p.db(), "users") ==
                   (std::vector<std::string>{"id", "linkedin_sub", "email", "name",
                                             "profile_picture_url", "access_token", "refresh_token",
                                             "token_expires_at", "created_at", "last_login_at"}),
               boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(),
                            "SELECT id || '|' || linkedin_sub || '|' || "
                            "COALESCE(name, '<null>') FROM users ORDER BY id") ==
                   (std::vector<std::string>{"7|sub-7|Ada Lovelace", "42|sub-42|   ",
                                             "1000|sub-1000|<null>", "1001|sub-1001|"}),
               boost::test_tools::per_element());
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM pragma_foreign_key_check") ==
                   std::vector<std::string>{"0"},
               boost::test_tools::per_element());

    const RunResult redo = run_example(p, {"upgrade", "+1"});

    BOOST_TEST(redo.exit_code == 0, redo);
    BOOST_TEST(run_example(p, {"current"}).out == std::string(kFullName) + "\n");
    BOOST_TEST(query_column(p.db(), "SELECT id || '|' || full_name FROM users ORDER BY id") ==
                   (std::vector<std::string>{"7|Ada Lovelace", "42|grace@example.com",
                                             "1000|sub-1000", "1001|sub-1001"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
