// Entry point of pg_tests: the PostgreSQL backend, in process and through the built binary,
// against one throwaway cluster per run. Boost.Test generates main() in this file.
#define BOOST_TEST_MODULE runner_pg_tests
#include <boost/test/unit_test.hpp>
