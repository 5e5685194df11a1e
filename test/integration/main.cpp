// Entry point of the integration-test executable: Boost.Test generates main() in this file.
#define BOOST_TEST_MODULE runner_integration_tests
#include <boost/test/unit_test.hpp>
