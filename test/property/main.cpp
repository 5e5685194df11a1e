// Entry point of the property-test executable: Boost.Test generates main() in this file.
#define BOOST_TEST_MODULE runner_property_tests
#include <boost/test/unit_test.hpp>
