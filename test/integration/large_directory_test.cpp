// Directories with hundreds of migrations have their headers read by several threads: the
// result and the errors must be those of reading one file after another.
#include <boost/test/unit_test.hpp>

#include <cstdio>

#include "support.hpp"

using namespace runner::integration;

namespace {

constexpr int kMigrations = 1500;

std::string stem(int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d_step", i);
    return buf;
}

std::string rev(int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "r%05d", i);
    return buf;
}

// A linear history of kMigrations revisions.
void write_history(const Project& p) {
    for (int i = 1; i <= kMigrations; ++i) {
        write_migration(p.dir(), stem(i), rev(i),
                        i == 1 ? std::vector<std::string>{} : std::vector<std::string>{rev(i - 1)},
                        "SELECT 1;", "SELECT 1;");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(large_directory)

BOOST_AUTO_TEST_CASE(every_header_of_a_large_directory_is_read_in_order) {
    Project p;
    write_history(p);

    const RunResult heads = p.run({"heads"});
    BOOST_TEST(heads.exit_code == 0, heads);
    BOOST_TEST(heads.out == rev(kMigrations) + " (head)\n", heads);
    const RunResult history = p.run({"history"});
    BOOST_TEST(history.exit_code == 0, history);
    // Newest first, one line per revision, each naming its parent.
    BOOST_TEST(std::count(history.out.begin(), history.out.end(), '\n') == kMigrations);
    BOOST_TEST(
        history.out.rfind(rev(kMigrations - 1) + " -> " + rev(kMigrations) + " (head)", 0) == 0,
        history);
}

BOOST_AUTO_TEST_CASE(the_first_bad_file_in_file_order_is_the_one_reported) {
    Project p;
    write_history(p);
    // Three broken files far apart, so different threads read them: the earliest is named.
    for (const int i : {1400, 700, 1200}) {
        write_file(p.dir() + "/" + stem(i) + ".up.sql", "-- revisoin: " + rev(i) + "\nSELECT 1;\n");
    }
    for (int attempt = 0; attempt < 5; ++attempt) {
        const RunResult r = p.run({"heads"});
        BOOST_TEST(r.exit_code == 1, r);
        BOOST_TEST(contains(r.err, stem(700) + ".up.sql:1:"), r);
        BOOST_TEST(!contains(r.err, stem(1200)), r);
    }
}

BOOST_AUTO_TEST_SUITE_END()
