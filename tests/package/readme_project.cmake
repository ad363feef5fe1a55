# Writes the README's example as a project, exactly as a reader would copy it:
# the first ```cmake block of README.md becomes CMakeLists.txt and the first
# ```cpp block main.cc, nothing added. Usage:
#   cmake -DREADME=<README.md> -DOUT=<folder> -P readme_project.cmake
file(READ ${README} readme)
function(first_block lang var)
  string(FIND "${readme}" "```${lang}\n" begin)
  if(begin EQUAL -1)
    message(FATAL_ERROR "README.md has no ```${lang} block")
  endif()
  string(LENGTH "```${lang}\n" lead)
  math(EXPR begin "${begin} + ${lead}")
  string(SUBSTRING "${readme}" ${begin} -1 rest)
  string(FIND "${rest}" "```" end)
  string(SUBSTRING "${rest}" 0 ${end} block)
  set(${var} "${block}" PARENT_SCOPE)
endfunction()
first_block(cmake cmake_lines)
first_block(cpp example)
file(REMOVE_RECURSE ${OUT})
file(WRITE ${OUT}/CMakeLists.txt "${cmake_lines}")
file(WRITE ${OUT}/main.cc "${example}")
