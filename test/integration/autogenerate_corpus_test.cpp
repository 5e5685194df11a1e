// The autogenerate corpus (test/autogen/corpus) end to end through the built binary, as a user
// works: a project at schema A with rows, schema.sql = B, `revision --autogenerate`,
// `upgrade head` gives B (runner diff agrees, `runner schema --live` prints what the migrations
// build) with every row and no foreign-key violation; `downgrade -1` gives A and its rows back.
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "program.hpp"
#include "support.hpp"

namespace runner::integration {
namespace {

namespace fs = std::filesystem;

std::string corpus_dir() {
    return std::string(RUNNER_SOURCE_DIR) + "/test/autogen/corpus";
}

std::vector<std::string> corpus_pairs() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(corpus_dir())) {
        if (entry.is_directory()) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Each user table's row count, "name=count", by the table's name.
std::vector<std::string> row_counts(const std::string& db) {
    std::vector<std::string> out;
    for (const std::string& t : table_names(db)) {
        if (!starts_with(t, "runner_")) {
            out.push_back(t + "=" + query_column(db, "SELECT count(*) FROM \"" + t + "\"").at(0));
        }
    }
    return out;
}

// A new project whose one migration creates the pair's schema A (not yet applied).
void start_project_at_schema_a(const TempDir& tmp, const std::string& pair) {
    BOOST_TEST_REQUIRE(run_runner({"init"}, tmp.path()).exit_code == 0);
    write_migration(tmp / "sql", "0001_schema_a", "aaaa00000001", {}, file_bytes(pair + "/a.sql"),
                    "-- not needed\n");
    BOOST_TEST_REQUIRE(run_runner({"heads", "--refresh"}, tmp.path()).exit_code == 0);
}

void check_pair(const std::string& name) {
    const std::string pair = corpus_dir() + "/" + name;
    TempDir tmp;
    const auto run = [&tmp](const std::vector<std::string>& args) {
        return run_runner(args, tmp.path());
    };
    start_project_at_schema_a(tmp, pair);
    const RunResult up_a = run({"upgrade", "head"});
    BOOST_TEST_REQUIRE(up_a.exit_code == 0, up_a);
    const std::string db = tmp / "app.db";
    exec_sql(db, file_bytes(pair + "/rows.sql"));
    const std::vector<std::string> counts_a = row_counts(db);
    const std::string schema_a = run({"schema", "--live"}).out;

    write_file(tmp / "schema.sql", file_bytes(pair + "/b.sql"));
    std::vector<std::string> args = {"revision", "--autogenerate", "-m", "to b"};
    if (file_exists(pair + "/renames")) {
        for (const std::string& hint : lines_of(file_bytes(pair + "/renames"))) {
            if (!hint.empty()) {
                args.push_back("--rename");
                args.push_back(hint);
            }
        }
    }
    const RunResult generated = run(args);
    BOOST_TEST_REQUIRE(generated.exit_code == 0, generated);
    BOOST_TEST_REQUIRE(lines_of(generated.out).size() == 2u, generated);

    const RunResult up_b = run({"upgrade", "head"});
    BOOST_TEST_REQUIRE(up_b.exit_code == 0, up_b);
    const RunResult diff = run({"diff"});
    BOOST_TEST(diff.exit_code == 0, diff);
    const RunResult live_b = run({"schema", "--live"});
    const RunResult built_b = run({"schema"});
    BOOST_TEST(live_b.out == built_b.out);
    BOOST_TEST(query_column(db, "SELECT count(*) FROM pragma_foreign_key_check") ==
               std::vector<std::string>{"0"});
    // Every table that keeps its name keeps its rows (a table B drops loses them, and the down
    // re-creates it empty: its review note says so).
    const std::vector<std::string> counts_b = row_counts(db);
    std::vector<std::string> kept;
    for (const std::string& c : counts_a) {
        const std::string table = c.substr(0, c.find('='));
        const auto same_table = [&table](const std::string& x) {
            return x.substr(0, x.find('=')) == table;
        };
        const auto it = std::find_if(counts_b.begin(), counts_b.end(), same_table);
        if (it != counts_b.end()) {
            BOOST_TEST(*it == c);
            kept.push_back(c);
        }
    }

    const RunResult down = run({"downgrade", "-1"});
    BOOST_TEST_REQUIRE(down.exit_code == 0, down);
    BOOST_TEST(run({"schema", "--live"}).out == schema_a);
    const std::vector<std::string> counts_down = row_counts(db);
    for (const std::string& c : kept) {
        BOOST_TEST((std::find(counts_down.begin(), counts_down.end(), c) != counts_down.end()), c);
    }
    BOOST_TEST(query_column(db, "SELECT count(*) FROM pragma_foreign_key_check") ==
               std::vector<std::string>{"0"});
}

BOOST_AUTO_TEST_CASE(the_corpus_has_at_least_sixty_pairs) {
    BOOST_TEST(corpus_pairs().size() >= 60u);
}

// One test case a pair, so that one failing pair does not hide the others.
BOOST_DATA_TEST_CASE(each_corpus_pair_autogenerates_upgrades_and_downgrades_through_the_binary,
                     boost::unit_test::data::make(corpus_pairs()), name) {
    BOOST_TEST_CONTEXT("corpus pair " << name) {
        check_pair(name);
    }
}

// `runner upgrade --sql` of a generated rebuild of a parent whose children cascade, run by the
// sqlite3 shell as the README says (sqlite3 -bail DB < script): no child row is lost.
BOOST_AUTO_TEST_CASE(the_offline_script_of_a_generated_rebuild_keeps_the_cascading_children) {
    if (!have_program("sqlite3")) {
        BOOST_TEST_MESSAGE("no sqlite3 shell: skipped");
        return;
    }
    const std::string pair = corpus_dir() + "/050_parent_rebuilt_cascade_children";
    TempDir tmp;
    const auto run = [&tmp](const std::vector<std::string>& args) {
        return run_runner(args, tmp.path());
    };
    start_project_at_schema_a(tmp, pair);
    BOOST_TEST_REQUIRE(run({"upgrade", "head"}).exit_code == 0);
    const std::string db = tmp / "app.db";
    exec_sql(db, file_bytes(pair + "/rows.sql"));
    const std::vector<std::string> before = row_counts(db);
    write_file(tmp / "schema.sql", file_bytes(pair + "/b.sql"));
    BOOST_TEST_REQUIRE(run({"revision", "--autogenerate", "-m", "to b"}).exit_code == 0);
    const RunResult script = run({"upgrade", "head", "--sql"});
    BOOST_TEST_REQUIRE(script.exit_code == 0, script);
    const RunResult shell = run_program({"sqlite3", "-bail", db}, tmp.path(), {}, script.out);
    BOOST_TEST_REQUIRE(shell.exit_code == 0, shell);
    BOOST_TEST(row_counts(db) == before);
    BOOST_TEST(query_column(db, "SELECT count(*) FROM pragma_foreign_key_check") ==
               std::vector<std::string>{"0"});
    BOOST_TEST(run({"diff"}).exit_code == 0);
    BOOST_TEST(run({"check"}).exit_code == 0);
}

}  // namespace
}  // namespace runner::integration
