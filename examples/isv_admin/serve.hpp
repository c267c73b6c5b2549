// isv-admin's loop: lines read with a bound on their length, one answer written for each.
#pragma once

#include "line_handler.hpp"

#include <cstddef>
#include <ios>
#include <istream>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>

namespace isv_admin {

enum class line_status {
  read,     ///< `line` holds the line
  too_long, ///< the line was longer than the bound: read to its end, not kept
  end,      ///< no more input
};

/// Reads the next line (without its '\n') into `line`, keeping at most `max_bytes` bytes: a longer
/// line is read to its end and dropped, so the memory a line takes is bounded whatever the input
/// (D-LIMIT-1). `bytes` is the line's length either way. A last line without '\n' is a line.
inline line_status read_line(std::istream& in, std::string& line, std::size_t max_bytes, std::size_t& bytes) {
  using chars = std::istream::traits_type;
  line.clear();
  bytes = 0;
  const std::istream::sentry ready(in, true);
  if (!ready) return line_status::end;
  std::streambuf& buf = *in.rdbuf();
  bool any = false;
  for (;;) {
    const auto c = buf.sbumpc();
    if (chars::eq_int_type(c, chars::eof())) {
      in.setstate(any ? std::ios::eofbit : std::ios::eofbit | std::ios::failbit);
      if (!any) return line_status::end;
      break;
    }
    any = true;
    if (chars::to_char_type(c) == '\n') break;
    if (++bytes <= max_bytes) line.push_back(chars::to_char_type(c));
  }
  return bytes > max_bytes ? line_status::too_long : line_status::read;
}

/// Why serve() returned.
enum class serve_end {
  input_ended,  ///< every line was answered
  input_failed,  ///< reading the input failed
  output_failed, ///< an answer could not be written: the reader went away
};

/// Answers every line of `in` on `out`, one line each (none for blank and comment lines), each
/// flushed before the next line is read. Once an answer cannot be written (a closed pipe with
/// SIGPIPE ignored, a full disk), it stops before reading another line: a client that went away
/// must not have its remaining commands applied unanswered.
template <class Repository>
[[nodiscard]] serve_end serve(line_handler<Repository>& handler, std::istream& in, std::ostream& out) {
  std::string line;
  std::size_t bytes = 0;
  for (;;) {
    if (!out) return serve_end::output_failed;
    const auto got = read_line(in, line, handler.options().max_line_bytes, bytes);
    if (got == line_status::end) return in.bad() ? serve_end::input_failed : serve_end::input_ended;
    const std::optional<std::string> answer =
        got == line_status::too_long ? handler.refuse_long_line(bytes) : handler.handle(line);
    if (answer) out << *answer << '\n' << std::flush;
  }
}

} // namespace isv_admin
