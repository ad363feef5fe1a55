#define BOOST_TEST_MODULE promptjournal postgresql tests
#include <boost/test/unit_test.hpp>
