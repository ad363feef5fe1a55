#define BOOST_TEST_MODULE promptjournal unit tests
#include <boost/test/unit_test.hpp>
