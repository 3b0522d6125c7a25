#pragma once
// Private to the spec parser (core/spec/parser.cc): the machinery every kind of spec document is
// read with. A Document collects one document's errors; Fields checks a YAML map's field names
// against the schema (unknown, duplicate and missing fields, with did-you-mean); Reader reads
// strings, keys, numbers, integers, booleans, words and configs, each reporting its own
// file:line:col error and returning nullopt on failure.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "core/base/error.h"
#include "core/base/finding_codes.h"
#include "core/spec/spec.h"

namespace expt::spec_reading {

inline constexpr uint32_t k_max_total_slots = 1000000;

// "a, b, c"
std::string join(std::span<const std::string_view> words);

// How a scalar was written: plain scalars may be numbers or booleans, quoted ones are strings.
inline bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

// Plain YAML numbers, matched by hand in one pass (std::regex recursed once per digit and
// overflowed the stack on a 26,000-digit number): [-+]?[0-9]+, and a decimal with an exponent.
bool is_integer(std::string_view s);
bool is_decimal(std::string_view s);

// Collects the errors of one document; the document is kept only if it adds none.
class Document {
 public:
  Document(const std::string& file, std::vector<Error>& errors) : m_file(file), m_errors(errors), m_start(errors.size()) {}

  SourceLocation at(const YAML::Node& node) const;
  void error(const SourceLocation& loc, std::string field, std::string_view code, std::string message) {
    m_errors.push_back(Error::invalid(std::move(message), loc, std::move(field), std::string(code)));
  }
  bool failed() const { return m_errors.size() > m_start; }
  const std::string& file() const { return m_file; }

 private:
  const std::string& m_file;
  std::vector<Error>& m_errors;
  size_t m_start;
};

// The fields of one YAML map, checked against the schema's field names on construction.
class Fields {
 public:
  struct Entry {
    std::string name;
    YAML::Node key;
    YAML::Node value;
  };

  // `what` names the map in messages ("experiment", "variant"); `path` prefixes field paths.
  Fields(Document& doc, const YAML::Node& map, std::string what, std::string path, std::span<const std::string_view> allowed);

  const Entry* find(std::string_view name) const;
  // As find, reporting a missing field.
  const Entry* require(std::string_view name) const;
  std::string field_path(std::string_view name) const;
  FieldLocations locations() const;
  const SourceLocation& location() const { return m_location; }
  const std::string& path() const { return m_path; }

 private:
  Document& m_doc;
  std::string m_what;
  std::string m_path;
  SourceLocation m_location;
  std::vector<Entry> m_entries;
};

// Scalar readers: each reports its own error and returns nullopt on failure.
class Reader {
 public:
  explicit Reader(Document& doc) : m_doc(doc) {}

  // Where a field's value is; a missing value (`field:`) points at the field's name.
  SourceLocation value_at(const Fields::Entry& e) const;

  std::optional<std::string> string(const Fields& f, const Fields::Entry& e);
  std::optional<std::string> key(const Fields& f, const Fields::Entry& e);
  std::optional<double> number(const Fields& f, const Fields::Entry& e, std::string_view expected,
                               const std::function<bool(double)>& in_range);
  std::optional<uint32_t> integer(const Fields& f, const Fields::Entry& e, uint32_t min, uint32_t max);
  // YAML 1.2 core schema booleans, unquoted.
  std::optional<bool> boolean(const Fields& f, const Fields::Entry& e);

  template <typename Enum>
  std::optional<Enum> word(const Fields& f, const Fields::Entry& e, std::optional<Enum> (*parse)(std::string_view),
                           std::span<const std::string_view> words) {
    std::optional<Enum> value;
    if (e.value.IsScalar()) value = parse(e.value.Scalar());
    if (!value) {
      m_doc.error(value_at(e), f.field_path(e.name), code::invalid_value,
                  fmt::format("'{}' must be one of {}; got {}", e.name, join(words), shown(e.value)));
    }
    return value;
  }

  // A map of settings, as JSON.
  std::optional<nlohmann::json> config(const Fields& f, const Fields::Entry& e);

  // YAML to JSON by the YAML 1.2 core schema; errors for what JSON cannot hold. YAML aliases
  // repeat the node they name, so a few hundred bytes can stand for billions of values: the
  // expansion stops at k_max_config_values, and its depth at k_max_yaml_depth.
  std::optional<nlohmann::json> to_json_value(const YAML::Node& node, const std::string& path, int depth = 1);

  // A plain decimal that is finite; nullopt otherwise.
  static std::optional<double> parse_decimal(const std::string& s);

  // How a value is named in a message: "'abc'", "nothing", "a list", "a map".
  static std::string shown(const YAML::Node& node);

 private:
  std::optional<nlohmann::json> scalar_json(const YAML::Node& node, const std::string& path);

  Document& m_doc;
  size_t m_config_values = 0;  // values of the config being converted, aliases expanded
  std::optional<SourceLocation> m_config_at;  // where that config starts, for the error
};

}  // namespace expt::spec_reading
