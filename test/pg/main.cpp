// Entry point of pg_tests: the PostgreSQL backend, in process and through the built binary,
// against one throwaway cluster per run. Boost.Test generates main() in this file.
#define BOOST_TEST_MODULE runner_pg_tests
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <iostream>

#include "pg_cluster.hpp"

namespace {

// One cluster for the whole run; exit 77 (skipped, with the reason) only when no server can be
// installed here.
struct ClusterFixture {
    ClusterFixture() {
        if (!runner::pgtest::start_cluster()) {
            std::cerr << "pg_tests: SKIPPED: no PostgreSQL server here, and it cannot be "
                         "installed (scripts/pg-test-cluster exit 77)\n";
            std::exit(77);
        }
    }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(ClusterFixture);
