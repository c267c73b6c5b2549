# Install rules: the headers, the CMake package (core target plus one export set per optional component) and pkg-config files.
include(CMakePackageConfigHelpers)

set(package isv-licensing)

# Config files of a header-only package are arch-independent, so they go under share/ as
# cmake-init lays them out; package maintainers may move them.
set(ISV_LICENSING_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/${package}"
  CACHE STRING "Where the CMake package config files go, relative to the install prefix")
set(ISV_LICENSING_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig"
  CACHE STRING "Where the pkg-config files go, relative to the install prefix")
mark_as_advanced(ISV_LICENSING_INSTALL_CMAKEDIR ISV_LICENSING_INSTALL_PKGCONFIGDIR)
foreach(dir ISV_LICENSING_INSTALL_CMAKEDIR ISV_LICENSING_INSTALL_PKGCONFIGDIR)
  if(IS_ABSOLUTE "${${dir}}")
    # An absolute path would pin the package to this machine's layout and break relocation.
    message(FATAL_ERROR "${dir} must be relative to the install prefix, not '${${dir}}'.")
  endif()
endforeach()

# ---- The core ---------------------------------------------------------------------------------
install(TARGETS isv_licensing
  EXPORT isv-licensingTargets
  FILE_SET HEADERS DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT isv-licensing_Development)
install(EXPORT isv-licensingTargets
  NAMESPACE isv::
  DESTINATION "${ISV_LICENSING_INSTALL_CMAKEDIR}"
  COMPONENT isv-licensing_Development)

# ---- Optional components: each is installed only if its target was configured ----------------
# Each component's target, and the pkg-config module its backend ships.
set(ISV_LICENSING_KNOWN_COMPONENTS json sqlite postgres signing)
set(isv_component_target_json isv_json)
set(isv_component_target_sqlite isv_sqlite)
set(isv_component_target_postgres isv_postgres)
set(isv_component_target_signing isv_signing)
set(isv_component_pc_json nlohmann_json)
set(isv_component_pc_sqlite sqlite3)
set(isv_component_pc_postgres libpq)
set(isv_component_pc_signing libsodium)
# A backend that installs no CMake package of its own is found through our find module, which the
# package then installs next to its config for the consumer's find_package.
set(isv_component_find_module_signing "${PROJECT_SOURCE_DIR}/cmake/Findlibsodium.cmake")

# Packagers name the components a package must hold, so that a missing backend fails the build
# instead of silently shipping a package without the component.
set(ISV_LICENSING_INSTALL_COMPONENTS "all" CACHE STRING
  "Optional components to install, e.g. json,sqlite,postgres,signing: 'all' installs each one configured, '' none")
if(ISV_LICENSING_INSTALL_COMPONENTS STREQUAL "all")
  set(isv_wanted_components "")
  foreach(component IN LISTS ISV_LICENSING_KNOWN_COMPONENTS)
    if(TARGET ${isv_component_target_${component}})
      list(APPEND isv_wanted_components ${component})
    endif()
  endforeach()
else()
  # Commas also separate, so package recipes can pass the list without escaping semicolons.
  string(REPLACE "," ";" isv_wanted_components "${ISV_LICENSING_INSTALL_COMPONENTS}")
  foreach(component IN LISTS isv_wanted_components)
    if(NOT component IN_LIST ISV_LICENSING_KNOWN_COMPONENTS)
      message(FATAL_ERROR "ISV_LICENSING_INSTALL_COMPONENTS names '${component}', which is not a component of "
                          "isv-licensing; the components are: ${ISV_LICENSING_KNOWN_COMPONENTS}.")
    elseif(NOT TARGET ${isv_component_target_${component}})
      message(FATAL_ERROR "ISV_LICENSING_INSTALL_COMPONENTS asks for the ${component} component, but its target "
                          "${isv_component_target_${component}} was not configured: install the ${component} "
                          "backend's development files and configure again, or leave ${component} out.")
    endif()
  endforeach()
endif()

set(ISV_LICENSING_INSTALLED_COMPONENTS "")
foreach(component IN LISTS isv_wanted_components)
  set(target "${isv_component_target_${component}}")
  list(APPEND ISV_LICENSING_INSTALLED_COMPONENTS ${component})
  # Exported as isv::<component>, the name the package config and the Conan recipe promise.
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${component})
  install(TARGETS ${target}
    EXPORT isv-licensing-${component}Targets
    FILE_SET HEADERS DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT isv-licensing_Development)
  install(EXPORT isv-licensing-${component}Targets
    NAMESPACE isv::
    DESTINATION "${ISV_LICENSING_INSTALL_CMAKEDIR}"
    COMPONENT isv-licensing_Development)
  if(DEFINED isv_component_find_module_${component})
    install(FILES "${isv_component_find_module_${component}}"
      DESTINATION "${ISV_LICENSING_INSTALL_CMAKEDIR}"
      COMPONENT isv-licensing_Development)
  endif()
endforeach()
if(ISV_LICENSING_INSTALLED_COMPONENTS)
  list(JOIN ISV_LICENSING_INSTALLED_COMPONENTS ", " isv_component_names)
  message(STATUS "isv-licensing: installing the core and the components ${isv_component_names}")
else()
  message(STATUS "isv-licensing: installing the core only (no optional component was configured)")
endif()

# ---- The CMake package --------------------------------------------------------------------------
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/isv-licensingConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/isv-licensingConfig.cmake"
  INSTALL_DESTINATION "${ISV_LICENSING_INSTALL_CMAKEDIR}"
  NO_SET_AND_CHECK_MACRO)
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/isv-licensingConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion
  ARCH_INDEPENDENT)
install(FILES
  "${PROJECT_BINARY_DIR}/isv-licensingConfig.cmake"
  "${PROJECT_BINARY_DIR}/isv-licensingConfigVersion.cmake"
  DESTINATION "${ISV_LICENSING_INSTALL_CMAKEDIR}"
  COMPONENT isv-licensing_Development)

# ---- pkg-config ---------------------------------------------------------------------------------
# The prefix is found from the .pc file's own place, so the installed tree can be moved.
file(RELATIVE_PATH isv_pc_to_prefix "/${ISV_LICENSING_INSTALL_PKGCONFIGDIR}" "/")
string(REGEX REPLACE "/$" "" isv_pc_to_prefix "${isv_pc_to_prefix}")
set(ISV_LICENSING_PC_PREFIX "\${pcfiledir}/${isv_pc_to_prefix}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(ISV_LICENSING_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(ISV_LICENSING_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()

# Boost ships no pkg-config file, so the core's .pc requires nothing; Boost's headers are expected
# on the default include path (as they are wherever Boost is installed system-wide).
set(ISV_LICENSING_PC_NAME "${package}")
set(ISV_LICENSING_PC_DESCRIPTION "${PROJECT_DESCRIPTION}")
set(ISV_LICENSING_PC_REQUIRES "")
set(ISV_LICENSING_PC_CFLAGS "Cflags: -I\${includedir} -std=c++20")
configure_file("${PROJECT_SOURCE_DIR}/cmake/isv-licensing.pc.in" "${PROJECT_BINARY_DIR}/pkgconfig/${package}.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/${package}.pc"
  DESTINATION "${ISV_LICENSING_INSTALL_PKGCONFIGDIR}"
  COMPONENT isv-licensing_Development)

# One .pc per installed component, requiring the core and its backend's own module.
foreach(component IN LISTS ISV_LICENSING_INSTALLED_COMPONENTS)
  set(ISV_LICENSING_PC_NAME "${package}-${component}")
  set(ISV_LICENSING_PC_DESCRIPTION "The ${component} component of isv-licensing")
  set(ISV_LICENSING_PC_REQUIRES "Requires: ${package} = ${PROJECT_VERSION}, ${isv_component_pc_${component}}")
  set(ISV_LICENSING_PC_CFLAGS "") # the core's include directory and -std=c++20 come through Requires
  configure_file("${PROJECT_SOURCE_DIR}/cmake/isv-licensing.pc.in"
    "${PROJECT_BINARY_DIR}/pkgconfig/${package}-${component}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/${package}-${component}.pc"
    DESTINATION "${ISV_LICENSING_INSTALL_PKGCONFIGDIR}"
    COMPONENT isv-licensing_Development)
endforeach()
