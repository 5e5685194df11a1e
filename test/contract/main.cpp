// Entry point of the contract tests: the database layer in-process, on every backend.
#define BOOST_TEST_MODULE runner_contract_tests
#include <boost/test/unit_test.hpp>
