# license_check on a file past its expiry: exit status 1 and the line naming the refusal.
execute_process(COMMAND "${TOOL}" "${FILE}" --at 2026-02-01T00:00:00Z RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 1)
  message(FATAL_ERROR "license_check exited with ${status}, not 1:\n${out}${err}")
endif()
if(NOT out MATCHES "^no use: license_expired: The license file expired at 2026-01-22T00:00:00Z")
  message(FATAL_ERROR "license_check did not say the file expired:\n${out}${err}")
endif()
