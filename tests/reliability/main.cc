#define BOOST_TEST_MODULE promptjournal reliability tests
#include <boost/test/unit_test.hpp>
