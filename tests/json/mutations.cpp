// Every field of every type, broken one at a time: removed, given an unknown neighbour, or replaced by a wrong value, the decoder names exactly that field [D-ERR-1, D-QTY-4].
#include "samples.hpp"

#include <string>
#include <variant>
#include <vector>

using namespace samples;

namespace {

/// The JSON Pointer of every value inside `doc` (not the root), parents before children.
void collect(const nlohmann::json& doc, const std::string& here, std::vector<std::string>& out) {
  if (doc.is_object()) {
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const auto path = here + "/" + it.key(); // sample keys hold neither '~' nor '/'
      out.push_back(path);
      collect(it.value(), path, out);
    }
  } else if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) {
      const auto path = here + "/" + std::to_string(i);
      out.push_back(path);
      collect(doc[i], path, out);
    }
  }
}

/// The decoder refused `doc` and named `pointer`.
void names(const sample& s, const nlohmann::json& doc, const std::string& pointer) {
  std::variant<isv::error, nlohmann::json> r;
  REQUIRE_NOTHROW(r = s.reread(doc));
  REQUIRE(std::holds_alternative<isv::error>(r));
  const auto& e = std::get<isv::error>(r);
  INFO(e.message);
  CHECK(e.code == isv::errc::invalid_argument);
  CHECK(pointer_in(e.message) == pointer);
}

} // namespace

TEST_CASE("every sample's JSON reads back unchanged (the baseline of the mutations below)") {
  for (const auto& s : all_samples()) {
    CAPTURE(s.name);
    const auto r = s.reread(s.doc);
    if (std::holds_alternative<isv::error>(r)) FAIL(std::get<isv::error>(r).message);
    CHECK(std::get<nlohmann::json>(r) == s.doc);
  }
}

TEST_CASE("removing any field is refused at its path, unless it is optional, in which case it reads as null [D-ERR-1]") {
  for (const auto& s : all_samples()) {
    std::vector<std::string> paths;
    collect(s.doc, "", paths);
    for (const auto& path : paths) {
      const nlohmann::json::json_pointer p(path);
      if (!s.doc[p.parent_pointer()].is_object()) continue;
      CAPTURE(s.name, path);
      auto doc = s.doc;
      doc[p.parent_pointer()].erase(p.back());
      std::variant<isv::error, nlohmann::json> r;
      REQUIRE_NOTHROW(r = s.reread(doc));
      if (const auto* e = std::get_if<isv::error>(&r)) {
        INFO(e->message);
        CHECK(e->code == isv::errc::invalid_argument);
        CHECK(pointer_in(e->message) == path);
        CHECK_THAT(e->message, Catch::Matchers::Contains("is missing"));
      } else {
        // Accepted: then the field is an optional one and reads as empty.
        CHECK(std::get<nlohmann::json>(r)[p].is_null());
      }
    }
  }
}

TEST_CASE("an unknown field next to any field is refused at its own path [D-ERR-1]") {
  for (const auto& s : all_samples()) {
    std::vector<std::string> paths{""};
    collect(s.doc, "", paths);
    for (const auto& path : paths) {
      const nlohmann::json::json_pointer p(path);
      if (!s.doc[p].is_object()) continue;
      CAPTURE(s.name, path);
      auto doc = s.doc;
      doc[p]["zz_unknown"] = 1;
      names(s, doc, path + "/zz_unknown");
    }
  }
}

TEST_CASE("any value replaced by one of the wrong kind is refused at its path [D-ERR-1, D-QTY-4]") {
  const std::string not_utf8 = "\xC3";
  for (const auto& s : all_samples()) {
    std::vector<std::string> paths;
    collect(s.doc, "", paths);
    for (const auto& path : paths) {
      const nlohmann::json::json_pointer p(path);
      const auto& original = s.doc[p];
      CAPTURE(s.name, path, original.dump());
      const auto replaced = [&](nlohmann::json value) {
        auto doc = s.doc;
        doc[p] = std::move(value);
        return doc;
      };
      if (original.is_null()) {
        // An empty optional: no scalar of the wrong kind fits it either.
        names(s, replaced(nlohmann::json::array({1})), path);
        continue;
      }
      // No value of the wire format is an object where a scalar or a list is expected, and the reverse.
      if (original.is_object()) names(s, replaced(nlohmann::json::array()), path);
      else names(s, replaced(nlohmann::json{{"x", 1}}), path);
      if (original.is_array()) names(s, replaced("[]"), path);
      if (original.is_string()) {
        names(s, replaced(not_utf8), path);
        names(s, replaced(std::string(4097, 'x')), path);
        names(s, replaced(1), path);
      }
      if (original.is_number()) {
        names(s, replaced(0.5), path);
        names(s, replaced(std::to_string(original.get<long long>())), path);
        // Counts, versions and quantities are never negative (D-QTY-4); amounts of money may be.
        if (!path.ends_with("/minor_units")) names(s, replaced(-1), path);
      }
      if (original.is_boolean()) {
        names(s, replaced(0), path);
        names(s, replaced("true"), path);
      }
    }
  }
}
