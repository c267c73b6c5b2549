# The optional JSON component: isv::json, the wire format of isv/json.hpp, built only when nlohmann_json is found.
find_package(nlohmann_json 3.11 CONFIG QUIET)

if(NOT nlohmann_json_FOUND)
  message(STATUS "isv-licensing: JSON support (isv::json) disabled")
  return()
endif()
message(STATUS "isv-licensing: JSON support (isv::json) enabled")

add_library(isv_json INTERFACE)
add_library(isv::json ALIAS isv_json)
set_target_properties(isv_json PROPERTIES EXPORT_NAME json)
target_link_libraries(isv_json INTERFACE isv::licensing nlohmann_json::nlohmann_json)
target_sources(isv_json INTERFACE
  FILE_SET HEADERS BASE_DIRS ${PROJECT_SOURCE_DIR}/include FILES
    ${PROJECT_SOURCE_DIR}/include/isv/json.hpp
    ${PROJECT_SOURCE_DIR}/include/isv/json/codecs.hpp
    ${PROJECT_SOURCE_DIR}/include/isv/json/marketplace.hpp
    ${PROJECT_SOURCE_DIR}/include/isv/json/support.hpp)
if(NOT PROJECT_IS_TOP_LEVEL)
  # An embedding project should not see our headers' warnings as its own.
  set_target_properties(isv_json PROPERTIES SYSTEM ON)
endif()
