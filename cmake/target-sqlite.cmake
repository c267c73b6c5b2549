# The optional SQLite component: isv::sqlite, the repository of isv/storage/sqlite.hpp, built only when libsqlite3 is found.
find_package(SQLite3 QUIET)

if(NOT SQLite3_FOUND)
  message(STATUS "isv-licensing: SQLite repository (isv::sqlite) disabled (libsqlite3 not found)")
  return()
endif()
message(STATUS "isv-licensing: SQLite repository (isv::sqlite) enabled")

add_library(isv_sqlite INTERFACE)
add_library(isv::sqlite ALIAS isv_sqlite)
set_target_properties(isv_sqlite PROPERTIES EXPORT_NAME sqlite)
target_link_libraries(isv_sqlite INTERFACE isv::licensing SQLite::SQLite3)
target_sources(isv_sqlite INTERFACE
  FILE_SET HEADERS BASE_DIRS ${PROJECT_SOURCE_DIR}/include FILES
    ${PROJECT_SOURCE_DIR}/include/isv/storage/sqlite.hpp
    ${PROJECT_SOURCE_DIR}/include/isv/storage/detail/codec.hpp
    ${PROJECT_SOURCE_DIR}/include/isv/storage/detail/sql_store.hpp)
if(NOT PROJECT_IS_TOP_LEVEL)
  # An embedding project should not see our headers' warnings as its own.
  set_target_properties(isv_sqlite PROPERTIES SYSTEM ON)
endif()
