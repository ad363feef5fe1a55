# Fails when the README's C++ example and docs/examples/quickstart.cc differ.
file(READ ${README} readme)
file(READ ${EXAMPLE} example)
string(FIND "${readme}" "```cpp\n${example}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md's C++ example differs from docs/examples/quickstart.cc")
endif()
