# Runs the tour twice on one fresh SQLite file: both runs must succeed, and the second must show the
# tenants the first one saved, with the number of events the first one reported saving.
foreach(var TOUR DB)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_twice.cmake needs -D${var}=...")
  endif()
endforeach()
foreach(stale "${DB}" "${DB}-wal" "${DB}-shm")
  file(REMOVE "${stale}")
endforeach()

foreach(run first second)
  execute_process(COMMAND "${TOUR}" --db "${DB}" OUTPUT_VARIABLE ${run}_output ERROR_VARIABLE ${run}_errors
                  RESULT_VARIABLE ${run}_result)
  if(NOT ${run}_result EQUAL 0)
    message(FATAL_ERROR "the ${run} run exited with ${${run}_result}:\n${${run}_output}\n${${run}_errors}")
  endif()
endforeach()

# The first run finds an empty database and says which tenants it saves, and how many events.
if(NOT first_output MATCHES "Database [^\n]*: no tenants left by earlier runs")
  message(FATAL_ERROR "the first run should find no earlier tenants:\n${first_output}")
endif()
if(NOT first_output MATCHES "This run saves Contoso as tenant ([0-9]+) and Northwind as tenant ([0-9]+)")
  message(FATAL_ERROR "the first run does not say which tenants it saves:\n${first_output}")
endif()
set(contoso ${CMAKE_MATCH_1})
set(northwind ${CMAKE_MATCH_2})
if(NOT first_output MATCHES "Contoso \\(tenant ${contoso}\\): ([0-9]+) events saved")
  message(FATAL_ERROR "the first run does not say how many events of Contoso it saved:\n${first_output}")
endif()
set(contoso_events ${CMAKE_MATCH_1})
if(NOT first_output MATCHES "\nsaved ([0-9]+) events to ")
  message(FATAL_ERROR "the first run does not end with what it saved:\n${first_output}")
endif()

# The second run shows them, as the first run left them, before touring tenants of its own.
string(FIND "${second_output}" "\n1. " story_start)
if(story_start LESS 0)
  message(FATAL_ERROR "the second run did not tell the story:\n${second_output}")
endif()
string(SUBSTRING "${second_output}" 0 ${story_start} earlier)
foreach(expected
        "Database [^\n]*: 2 tenants left by earlier runs"
        "tenant ${contoso}, Contoso \\(Germany\\): ${contoso_events} events in its log"
        "tenant ${northwind}, Northwind \\(Japan\\): [0-9]+ events? in its log"
        "subscription 100, Fabrikam CRM: deactivated, 0 of 8 seats in use"
        "subscription 101, Fabrikam CRM: active, 7 of 8 seats in use"
        "replaying the log rebuilds each of the 4 stored subscriptions and its licenses: yes"
        "the app catalog already lists Fabrikam CRM, Litware Planner and Fabrikam Sign")
  if(NOT earlier MATCHES "${expected}")
    message(FATAL_ERROR "the second run should show what the first one left (\"${expected}\"):\n${earlier}")
  endif()
endforeach()
math(EXPR next "${northwind} + 1")
if(NOT earlier MATCHES "This run saves Contoso as tenant ${next} ")
  message(FATAL_ERROR "the second run should save its tenants under fresh ids (from ${next}):\n${earlier}")
endif()
