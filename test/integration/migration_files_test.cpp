// Files in the migrations directory that are not migrations: misnamed .sql files are reported,
// editor and OS droppings are ignored without a word.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <string>

#include "support.hpp"

using namespace runner::integration;

BOOST_AUTO_TEST_SUITE(migration_files)

BOOST_AUTO_TEST_CASE(misnamed_sql_files_are_reported_one_line_each) {
    Project p;
    p.write_chain({"aaaa00000001"});
    write_file(p.dir() + "/0011_add_index.sql", "CREATE INDEX i ON t_aaaa00000001 (x);\n");
    write_file(p.dir() + "/0012_x.UP.sql", "-- revision: bbbb\n-- down_revision: aaaa00000001\n");
    write_file(p.dir() + "/README.md", "notes, not SQL\n");

    const RunResult r = p.run({"heads"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out == "aaaa00000001 (head)\n", r);
    BOOST_TEST(lines_of(r.err) ==
                   (std::vector<std::string>{
                       "warning: " + p.dir() +
                           "/0011_add_index.sql is ignored: a migration is a pair NAME.up.sql "
                           "and NAME.down.sql",
                       "warning: " + p.dir() +
                           "/0012_x.UP.sql is ignored: migration file names end in lower-case "
                           "'.up.sql' or '.down.sql'"}),
               r);
}

BOOST_AUTO_TEST_CASE(editor_and_os_droppings_are_ignored_silently) {
    Project p;
    p.write_chain({"aaaa00000001"});
    const std::string up = p.dir() + "/0001_aaaa00000001.up.sql";
    // Emacs lock: a dangling symlink; macOS resource fork: binary with NUL bytes.
    BOOST_REQUIRE(::symlink("user@host.1234:1700000000", (p.dir() + "/.#0002_b.up.sql").c_str()) ==
                  0);
    write_file(p.dir() + "/._0001_aaaa00000001.up.sql", std::string("\0\5\26\7Mac OS X", 12));
    write_file(p.dir() + "/._0001_aaaa00000001.down.sql", std::string("\0\5\26\7Mac OS X", 12));
    write_file(up + "~", file_bytes(up));
    write_file(p.dir() + "/.0001_aaaa00000001.up.sql.swp", std::string("b0VIM 9.0\0", 10));
    write_file(p.dir() + "/0003_c.up.sql.swp", std::string("b0VIM 9.0\0", 10));
    write_file(p.dir() + "/#0004_d.up.sql#", "-- revision: dddd\n");
    write_file(p.dir() + "/.hidden.up.sql", "-- revision: eeee\n-- down_revision:\n");

    const RunResult r = p.run({"heads"});

    BOOST_TEST(r.exit_code == 0, r);
    BOOST_TEST(r.out == "aaaa00000001 (head)\n", r);
    BOOST_TEST(r.err == "", r);
    const RunResult up_run = p.run({"upgrade", "head"});
    BOOST_TEST(up_run.exit_code == 0, up_run);
}

BOOST_AUTO_TEST_SUITE_END()
