# The optional PostgreSQL component: isv::postgres, the repository of isv/storage/postgres.hpp, built only when libpq is found.
find_package(PostgreSQL QUIET)

if(NOT PostgreSQL_FOUND)
  message(STATUS "isv-licensing: PostgreSQL repository (isv::postgres) disabled (libpq not found)")
  return()
endif()
message(STATUS "isv-licensing: PostgreSQL repository (isv::postgres) enabled")

add_library(isv_postgres INTERFACE)
add_library(isv::postgres ALIAS isv_postgres)
set_target_properties(isv_postgres PROPERTIES EXPORT_NAME postgres)
target_link_libraries(isv_postgres INTERFACE isv::licensing PostgreSQL::PostgreSQL)
target_sources(isv_postgres INTERFACE
  FILE_SET HEADERS BASE_DIRS ${PROJECT_SOURCE_DIR}/include FILES
    ${PROJECT_SOURCE_DIR}/include/isv/storage/postgres.hpp
    ${PROJECT_SOURCE_DIR}/include/isv/storage/detail/codec.hpp
    ${PROJECT_SOURCE_DIR}/include/isv/storage/detail/sql_store.hpp)
if(NOT PROJECT_IS_TOP_LEVEL)
  # An embedding project should not see our headers' warnings as its own.
  set_target_properties(isv_postgres PROPERTIES SYSTEM ON)
endif()
