# Checks that README.md shows the quickstart example's code exactly (the part between its README markers).
# Run as: cmake -DSOURCE_DIR=<repo> -P readme_example.cmake
file(READ "${SOURCE_DIR}/examples/quickstart/main.cpp" example)
file(READ "${SOURCE_DIR}/README.md" readme)
string(REGEX MATCH "// README-BEGIN\n(.*)\n[ ]*// README-END" _ "${example}")
set(snippet "${CMAKE_MATCH_1}")
if(snippet STREQUAL "")
  message(FATAL_ERROR "examples/quickstart/main.cpp has no README-BEGIN/README-END region")
endif()
# The example indents the region by two spaces inside main(); the README shows it flush left.
string(REPLACE "\n  " "\n" snippet "\n${snippet}")
string(SUBSTRING "${snippet}" 1 -1 snippet)
string(FIND "${readme}" "${snippet}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md does not contain the quickstart code verbatim; copy the region between "
                      "README-BEGIN and README-END of examples/quickstart/main.cpp (dedented by two spaces).")
endif()
message(STATUS "README.md shows examples/quickstart verbatim")
