# docs/license-file.md shows sample.lic verbatim, so the document's example is a file that verifies.
file(READ "${SAMPLE}" sample)
file(READ "${DOC}" doc)
string(FIND "${doc}" "```\n${sample}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "docs/license-file.md does not show examples/license_check/sample.lic verbatim; copy it into the document's example.")
endif()
