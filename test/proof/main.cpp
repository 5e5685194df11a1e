// Entry point of the proof-test executable: Boost.Test generates main() in this file.
#define BOOST_TEST_MODULE runner_proof_tests
#include <boost/test/unit_test.hpp>
