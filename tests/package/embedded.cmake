# Checks an embedding project (add_subdirectory or FetchContent) gets the library's embedding defaults,
# then builds the consumer and the component programs against the embedded targets.
foreach(option ISV_LICENSING_BUILD_TESTS ISV_LICENSING_BUILD_EXAMPLES ISV_LICENSING_BUILD_BENCHMARKS ISV_LICENSING_INSTALL)
  if(${option})
    message(FATAL_ERROR "${option} is ON in an embedding project; it must default to OFF when isv-licensing is not "
                        "the top-level project.")
  endif()
endforeach()
if(TARGET isv_test_main)
  message(FATAL_ERROR "isv-licensing added its tests to an embedding project.")
endif()
get_target_property(isv_system isv_licensing SYSTEM)
if(NOT isv_system)
  message(FATAL_ERROR "isv_licensing is not SYSTEM for an embedding project: its headers' warnings would be the "
                      "embedder's.")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/consumer.cmake")
isv_add_consumer(isv_licensing_consumer)
set(isv_embedded_components "")
foreach(component json sqlite postgres signing)
  if(TARGET isv::${component})
    list(APPEND isv_embedded_components ${component})
  endif()
endforeach()
message(STATUS "Embedded isv-licensing components: ${isv_embedded_components}")
isv_add_component_consumers("${isv_embedded_components}")
