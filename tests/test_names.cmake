# No test's name holds a ';' or starts with '-'. ctest's test discovery takes a ';' for a list
# separator and cuts the name there, and the cut name matches no test case, so the test would pass
# without running; a name that starts with '-' is read by the test program as an option.
#   cmake -DSOURCE_DIR=<tree> -P test_names.cmake
file(GLOB_RECURSE sources "${SOURCE_DIR}/tests/*.cpp" "${SOURCE_DIR}/tests/*.hpp" "${SOURCE_DIR}/examples/*.cpp")
set(problems "")
foreach(source IN LISTS sources)
  file(STRINGS "${source}" cases REGEX "TEST_CASE\\((.*\"[^\"]*;[^\"]*\"|\"-)")
  foreach(line IN LISTS cases)
    string(APPEND problems "  ${source}: ${line}\n")
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "Test names with ';' (use ',' or ':') or starting with '-':\n${problems}")
endif()
message(STATUS "no test name holds a ';' or starts with '-'")
