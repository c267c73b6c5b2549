# The layers of include/isv, lowest first, and the check that no header includes one from a higher
# layer: a header may include its own layer and those below (STYLE.md, "Layers that never look up").
# Every header must be placed in a layer here, so a new one cannot slip past the check.
#
# Operations return their new state by folding their own events, so the fold of an event into an
# entity (evolve, and tenant_state, which routes an event to the value it names) sits below them.
# The license book and the directory are values like the others: evolve says how events change them.
# The operations live in isv/operations/; their old paths forward there for one release.
set(layers
  "foundation: traits id region version money error enum_names operation indirect block_cache detail/base64 detail/describe detail/record detail/flag_set detail/fields detail/range_of detail/hash_table detail/large_array detail/group_lists"
  "entities: actor tenant app license subscription billing_profile admin_role invoice detail/calendar directory license_book marketplace_wire marketplace_decision proration"
  "commands, events and how events change state: command event evolve tenant_state"
  "authorization and operations: operations/authorization operations/portal detail/checks detail/seat_planner operations/assignment operations/purchase operations/quantity operations/lifecycle operations/membership operations/billing operations/role_grants operations/plans operations/marketplace operations/access license_file"
  "repository and service: repository marketplace_link fingerprint admin_center storage/memory storage licensing"
  "JSON, storage adapters and tools: json json/support json/codecs json/marketplace storage/detail/codec storage/detail/sql_store storage/sqlite storage/postgres"
  "signed license files, on libsodium: signing/public_key signing/key_pair signing/verify signing/issue"
  "forwarding headers of release 0.1.0's paths, kept for one release (nothing in the library includes them): authorization portal assignment purchase quantity lifecycle membership billing role_grants")

set(index 0)
foreach(layer IN LISTS layers)
  string(REGEX MATCH "^[^:]+" name "${layer}")
  string(REGEX REPLACE "^[^:]+: " "" members "${layer}")
  string(REPLACE " " ";" members "${members}")
  foreach(member IN LISTS members)
    set(layer_of_isv/${member}.hpp ${index})
  endforeach()
  set(layer_name_${index} "${name}")
  math(EXPR index "${index} + 1")
endforeach()

file(GLOB_RECURSE headers RELATIVE "${SOURCE_DIR}/include" "${SOURCE_DIR}/include/isv/*.hpp")
set(problems "")
foreach(header IN LISTS headers)
  if(NOT DEFINED layer_of_${header})
    string(APPEND problems "  ${header} is in no layer: add it to the table in tests/layers.cmake\n")
    continue()
  endif()
  set(own ${layer_of_${header}})
  file(STRINGS "${SOURCE_DIR}/include/${header}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"isv/")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[^\"]*\"([^\"]+)\".*$" "\\1" included "${line}")
    if(NOT DEFINED layer_of_${included})
      string(APPEND problems "  ${header} includes ${included}, which is in no layer\n")
    elseif(layer_of_${included} GREATER own)
      set(up ${layer_of_${included}})
      string(APPEND problems "  ${header} (${layer_name_${own}}) includes ${included} (${layer_name_${up}}), a higher layer\n")
    endif()
  endforeach()
endforeach()

math(EXPR last "${index} - 1")
set(names "")
foreach(i RANGE ${last})
  string(APPEND names "  ${i}. ${layer_name_${i}}\n")
endforeach()
if(problems)
  message(FATAL_ERROR "Includes that run back up the layers:\n${problems}The layers, lowest first:\n${names}")
endif()
list(LENGTH headers count)
message(STATUS "${count} headers, no include runs up a layer. The layers, lowest first:\n${names}")
