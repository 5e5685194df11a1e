// Entry point of the unit-test executable: Boost.Test generates main() in this file.
#define BOOST_TEST_MODULE runner_unit_tests
#include <boost/test/unit_test.hpp>
