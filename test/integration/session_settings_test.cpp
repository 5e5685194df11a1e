// What runner does between migrations to undo session settings a migration changed must not
// change how the next migration's SQL behaves: SQLite treats LIKE as non-deterministic once
// `PRAGMA case_sensitive_like` has been run on a connection, which forbids LIKE in partial
// indexes and generated columns.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {

BOOST_AUTO_TEST_CASE(a_partial_index_with_like_can_be_created_by_a_later_migration) {
    Project p;
    write_migration(p.dir(), "0001_posts", "r1", {}, "CREATE TABLE posts (slug TEXT);",
                    "DROP TABLE posts;");
    write_migration(p.dir(), "0002_drafts", "r2", {"r1"},
                    "CREATE INDEX drafts ON posts (slug) WHERE slug LIKE 'draft-%';",
                    "DROP INDEX drafts;");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(query_column(p.db(), "SELECT sql FROM sqlite_master WHERE name = 'drafts'") ==
                   std::vector<std::string>{
                       "CREATE INDEX drafts ON posts (slug) WHERE slug LIKE 'draft-%'"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(case_sensitive_like_set_by_one_migration_does_not_reach_the_next) {
    Project p;
    write_migration(p.dir(), "0001_posts", "r1", {},
                    "CREATE TABLE posts (slug TEXT);\nINSERT INTO posts VALUES ('Draft-1');",
                    "DROP TABLE posts;");
    write_migration(p.dir(), "0002_like", "r2", {"r1"}, "PRAGMA case_sensitive_like = ON;",
                    "SELECT 1;", {"transactional: false"});
    write_migration(p.dir(), "0003_copy", "r3", {"r2"},
                    "CREATE TABLE drafts AS SELECT slug FROM posts WHERE slug LIKE 'draft-%';",
                    "DROP TABLE drafts;");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 0, r);
    // LIKE is case-insensitive again in 0003, as it is for anyone opening the database.
    BOOST_TEST(query_column(p.db(), "SELECT count(*) FROM drafts") == std::vector<std::string>{"1"},
               boost::test_tools::per_element());
}

}  // namespace runner::integration
