// Messages for people: what to type when the graph has several heads.
#include <boost/test/unit_test.hpp>

#include <string>

#include "support.hpp"

using namespace runner::integration;

BOOST_AUTO_TEST_SUITE(people_messages)

BOOST_AUTO_TEST_CASE(upgrade_head_with_several_heads_also_names_merge_heads) {
    Project p;
    p.write_chain({"aaaa00000001"});
    write_migration(p.dir(), "0002_b", "bbbb00000002", {"aaaa00000001"}, "SELECT 1;\n",
                    "SELECT 1;\n");
    write_migration(p.dir(), "0003_c", "cccc00000003", {"aaaa00000001"}, "SELECT 1;\n",
                    "SELECT 1;\n");

    const RunResult r = p.run({"upgrade", "head"});

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(contains(r.err, "Multiple head revisions are present for given argument 'head'"), r);
    BOOST_TEST(contains(r.err, "'runner merge heads -m MESSAGE'"), r);
    BOOST_TEST(lines_of(r.err).size() == 1u, r);
}

BOOST_AUTO_TEST_SUITE_END()
