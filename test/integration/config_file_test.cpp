// -c/--config names a file: a directory (an easy slip: `runner -c sql heads` for `--dir sql`)
// is an error that says so, not an empty configuration that silently falls back to defaults.
#include <boost/test/unit_test.hpp>

#include <string>

#include "support.hpp"

namespace runner::integration {

BOOST_AUTO_TEST_CASE(a_config_option_naming_a_directory_is_an_error_not_an_empty_config) {
    TempDir tmp;
    write_migration(tmp / "sql", "0001_one", "r1", {}, "CREATE TABLE one (x);", "DROP TABLE one;");

    const RunResult r = run_runner({"-c", "sql", "heads"}, tmp.path());

    BOOST_TEST(r.exit_code == 1, r);
    BOOST_TEST(r.out == "");
    BOOST_TEST(r.err ==
               "runner: error: config file sql is a directory; -c/--config names a file such as "
               "runner.ini (the migrations directory is --dir)\n");
}

}  // namespace runner::integration
