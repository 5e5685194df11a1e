// Directories with hundreds of migrations have their headers read by several threads: the
// result and the errors must be those of reading one file after another. The binary uses one
// thread per core (at most four), so on a one-core machine it reads one file after another and
// its tests could not fail for that reason; the in-process cases below ask for several threads
// whatever the number of cores.
#include <boost/test/unit_test.hpp>

#include <cstdio>

#include "migration/script_directory.hpp"
#include "support.hpp"
#include "util/error.hpp"

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

// Threads asked of the loader in-process: more than it would take by itself on any machine.
constexpr unsigned kThreads = 8;

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

    // In-process, on several threads whatever the number of cores.
    for (int attempt = 0; attempt < 10; ++attempt) {
        const std::vector<runner::Migration> loaded =
            runner::load_migrations(p.dir(), nullptr, kThreads);
        BOOST_TEST_REQUIRE(loaded.size() == static_cast<std::size_t>(kMigrations));
        int misplaced = 0;
        for (int i = 1; i <= kMigrations; ++i) {
            const runner::Migration& m = loaded[static_cast<std::size_t>(i - 1)];
            if (m.revision != rev(i) || m.up_path != p.dir() + "/" + stem(i) + ".up.sql" ||
                m.down_revisions !=
                    (i == 1 ? std::vector<std::string>{} : std::vector<std::string>{rev(i - 1)})) {
                ++misplaced;
            }
        }
        BOOST_TEST(misplaced == 0, "attempt " << attempt << ": " << misplaced << " misplaced");
    }
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

BOOST_AUTO_TEST_CASE(several_threads_report_the_first_bad_file_in_file_order_on_any_machine) {
    Project p;
    write_history(p);
    // The first bad file is the LAST of its 64-pair chunk (pairs 641..704); every later chunk
    // starts with a bad file, so threads reading later chunks meet an error before the first
    // one is reached: reporting the error met first in time would name one of those.
    const int first_bad = 704;
    write_file(p.dir() + "/" + stem(first_bad) + ".up.sql", "-- revisoin: x\nSELECT 1;\n");
    for (int i = first_bad + 1; i <= kMigrations; i += 64) {
        write_file(p.dir() + "/" + stem(i) + ".up.sql", "-- revisoin: x\nSELECT 1;\n");
    }
    for (int attempt = 0; attempt < 10; ++attempt) {
        std::string message;
        try {
            runner::load_migrations(p.dir(), nullptr, kThreads);
        } catch (const runner::Error& e) {
            message = e.what();
        }
        BOOST_TEST(contains(message, stem(first_bad) + ".up.sql:1:"),
                   "attempt " << attempt << ": " << message);
    }
}

BOOST_AUTO_TEST_SUITE_END()
