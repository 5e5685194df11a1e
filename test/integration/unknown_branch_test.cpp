// A branch label that does not exist, in any target form, is refused before anything runs.
//
// Alembic resolves "LABEL@" only where it needs the label's lineage, so with a single root
// `downgrade typo@base` downgrades everything; runner refuses every such target.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

namespace runner::integration {
namespace {

// Everything a command could have changed: schema, version rows and the audit log.
std::vector<std::string> snapshot(const Project& p) {
    auto out = schema_dump(p.db());
    for (const auto& row : query_column(p.db(),
                                        "SELECT revision || '|' || how FROM runner_version "
                                        "ORDER BY revision")) {
        out.push_back("row " + row);
    }
    out.push_back("log " + query_column(p.db(), "SELECT count(*) FROM runner_version_log")[0]);
    return out;
}

// The first word of `current`: the revision id, or "" at base.
std::string current_id(const Project& p) {
    const std::string out = p.run({"current"}).out;
    return out.substr(0, out.find_first_of(" \n"));
}

void expect_refused(const Project& p, const std::vector<std::string>& args,
                    const std::string& labels_part) {
    const auto before = snapshot(p);

    const RunResult r = p.run(args);

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.out == "", r);
    BOOST_TEST(lines_of(r.err).size() == 1u, r);
    BOOST_TEST(starts_with(r.err, "runner: error: unknown branch label 'typo'"), r);
    BOOST_TEST(contains(r.err, labels_part), r);
    BOOST_TEST(snapshot(p) == before, boost::test_tools::per_element());
}

const std::vector<std::vector<std::string>> kTargets = {
    {"downgrade", "typo@base"},
    {"downgrade", "typo@-1"},
    {"downgrade", "typo@r1"},
    {"downgrade", "typo@head"},
    {"downgrade", "typo@r3-1"},
    {"upgrade", "typo@head"},
    {"upgrade", "typo@heads"},
    {"upgrade", "typo@+1"},
    {"upgrade", "typo@r3"},
    {"upgrade", "typo@base"},
    {"stamp", "typo@base"},
    {"stamp", "typo@head"},
    {"stamp", "typo@-1"},
    {"history", "-r", "typo@base:"},
    {"history", "-r", ":typo@head"},
    {"downgrade", "--sql", "r3:typo@base"},
};

BOOST_AUTO_TEST_SUITE(unknown_branch_label)

BOOST_AUTO_TEST_CASE(is_refused_in_every_target_form_without_labels) {
    Project p;
    p.write_chain({"r1", "r2", "r3"});
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);

    for (const auto& args : kTargets) {
        BOOST_TEST_CONTEXT(args[0] << " " << args.back()) {
            expect_refused(p, args, "this project has no branch labels");
        }
    }
    BOOST_TEST(current_id(p) == "r3");
}

BOOST_AUTO_TEST_CASE(lists_the_labels_that_exist) {
    Project p;
    write_migration(p.dir(), "0001_r1", "r1", {}, "CREATE TABLE t_r1 (x);", "DROP TABLE t_r1;",
                    {"branch_labels: main, core"});
    write_migration(p.dir(), "0002_r2", "r2", {"r1"}, "CREATE TABLE t_r2 (x);", "DROP TABLE t_r2;");
    write_migration(p.dir(), "0003_r3", "r3", {"r2"}, "CREATE TABLE t_r3 (x);", "DROP TABLE t_r3;");
    BOOST_REQUIRE_EQUAL(p.run({"upgrade", "head"}).exit_code, 0);

    for (const auto& args : kTargets) {
        BOOST_TEST_CONTEXT(args[0] << " " << args.back()) {
            expect_refused(p, args, "the branch labels are: core, main");
        }
    }

    // The labels that exist, and revision ids before '@' (Alembic's meaning), still work.
    const RunResult down = p.run({"downgrade", "main@-1"});
    BOOST_TEST(down.exit_code == 0, down);
    BOOST_TEST(current_id(p) == "r2");
    const RunResult rev_branch = p.run({"upgrade", "r1@head"});
    BOOST_TEST(rev_branch.exit_code == 0, rev_branch);
    const RunResult base = p.run({"downgrade", "core@base"});
    BOOST_TEST(base.exit_code == 0, base);
    BOOST_TEST(current_id(p) == "");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace runner::integration
