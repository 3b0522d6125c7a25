#include "core/spec/spec_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "core/base/edit_distance.h"
#include "core/base/excerpt.h"
#include "core/base/key.h"
#include "core/spec/parser.h"
#include "core/spec/yaml_load.h"

namespace expt::spec_reading {

using nlohmann::json;
using YAML::Node;

namespace {

size_t skip_digits(std::string_view s, size_t i) {
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i;
}

}  // namespace

// [-+]?[0-9]+
bool is_integer(std::string_view s) {
  size_t i = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  return i < s.size() && skip_digits(s, i) == s.size();
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_decimal(std::string_view s) {
  size_t i = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  const size_t int_end = skip_digits(s, i);
  if (int_end > i) {
    i = int_end;
    if (i < s.size() && s[i] == '.') i = skip_digits(s, i + 1);
  } else {
    if (i >= s.size() || s[i] != '.') return false;
    const size_t frac_end = skip_digits(s, i + 1);
    if (frac_end == i + 1) return false;
    i = frac_end;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const size_t exp_end = skip_digits(s, i);
    if (exp_end == i) return false;
    i = exp_end;
  }
  return i == s.size();
}

std::string join(std::span<const std::string_view> words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

SourceLocation Document::at(const Node& node) const {
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourceLocation{m_file};
  return SourceLocation{m_file, mark.line + 1, mark.column + 1};
}

Fields::Fields(Document& doc, const Node& map, std::string what, std::string path, std::span<const std::string_view> allowed)
    : m_doc(doc), m_what(std::move(what)), m_path(std::move(path)), m_location(doc.at(map)) {
  std::set<std::string, std::less<>> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    Node key = it->first;
    std::string name = key.IsScalar() ? key.Scalar() : std::string("?");
    if (!seen.insert(name).second) {
      doc.error(doc.at(key), field_path(name), code::duplicate_field,
                fmt::format("field '{}' appears twice in {}", name, m_what));
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string hint = did_you_mean(name, allowed);
      doc.error(doc.at(key), field_path(name), code::unknown_field,
                hint.empty() ? fmt::format("unknown field '{}' in {}; allowed: {}", excerpt(name), m_what, join(allowed))
                             : fmt::format("unknown field '{}' in {}{}", excerpt(name), m_what, hint));
      continue;
    }
    m_entries.push_back(Entry{name, key, it->second});
  }
}

const Fields::Entry* Fields::find(std::string_view name) const {
  for (const Entry& e : m_entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const Fields::Entry* Fields::require(std::string_view name) const {
  const Entry* e = find(name);
  if (e == nullptr) {
    m_doc.error(m_location, field_path(name), code::missing_field,
                fmt::format("{} is missing required field '{}'", m_what, name));
  }
  return e;
}

std::string Fields::field_path(std::string_view name) const {
  return m_path.empty() ? std::string(name) : m_path + "." + std::string(name);
}

FieldLocations Fields::locations() const {
  FieldLocations out;
  for (const Entry& e : m_entries) out[e.name] = m_doc.at(e.key);
  return out;
}

SourceLocation Reader::value_at(const Fields::Entry& e) const {
  return e.value.IsNull() ? m_doc.at(e.key) : m_doc.at(e.value);
}

std::optional<std::string> Reader::string(const Fields& f, const Fields::Entry& e) {
  if (!e.value.IsScalar()) {
    m_doc.error(value_at(e), f.field_path(e.name), code::wrong_shape,
                fmt::format("'{}' must be a string", e.name));
    return std::nullopt;
  }
  return e.value.Scalar();
}

std::optional<std::string> Reader::key(const Fields& f, const Fields::Entry& e) {
  auto s = string(f, e);
  if (!s) return std::nullopt;
  if (!is_valid_key(*s)) {
    m_doc.error(value_at(e), f.field_path(e.name), code::invalid_key,
                fmt::format("invalid {} '{}': keys match {}", e.name, excerpt(*s), k_key_pattern));
    return std::nullopt;
  }
  return s;
}

std::optional<double> Reader::number(const Fields& f, const Fields::Entry& e, std::string_view expected,
                             const std::function<bool(double)>& in_range) {
  std::optional<double> value;
  if (e.value.IsScalar() && is_plain(e.value)) value = parse_decimal(e.value.Scalar());
  if (!value || !in_range(*value)) {
    m_doc.error(value_at(e), f.field_path(e.name), code::invalid_value,
                fmt::format("'{}' must be {}, got {}", e.name, expected, shown(e.value)));
    return std::nullopt;
  }
  return value;
}

std::optional<uint32_t> Reader::integer(const Fields& f, const Fields::Entry& e, uint32_t min, uint32_t max) {
  std::optional<uint32_t> value;
  if (e.value.IsScalar() && is_plain(e.value)) {
    const std::string& s = e.value.Scalar();
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && v >= min && v <= max) value = v;
  }
  if (!value) {
    m_doc.error(value_at(e), f.field_path(e.name), code::invalid_value,
                fmt::format("'{}' must be an integer from {} to {}, got {}", e.name, min, max,
                            shown(e.value)));
  }
  return value;
}

std::optional<bool> Reader::boolean(const Fields& f, const Fields::Entry& e) {
  std::optional<bool> value;
  if (e.value.IsScalar() && is_plain(e.value)) {
    const std::string& s = e.value.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") value = true;
    if (s == "false" || s == "False" || s == "FALSE") value = false;
  }
  if (!value) {
    m_doc.error(value_at(e), f.field_path(e.name), code::invalid_value,
                fmt::format("'{}' must be true or false, got {}", e.name, shown(e.value)));
  }
  return value;
}

std::optional<json> Reader::config(const Fields& f, const Fields::Entry& e) {
  if (!e.value.IsMap()) {
    m_doc.error(value_at(e), f.field_path(e.name), code::wrong_shape,
                fmt::format("'{}' must be a map of settings", e.name));
    return std::nullopt;
  }
  m_config_values = 0;
  m_config_at = value_at(e);
  return to_json_value(e.value, f.field_path(e.name));
}

std::optional<json> Reader::to_json_value(const Node& node, const std::string& path, int depth) {
  // Aliases can also nest a node inside itself (`a: &a [*a]`), which no event-level depth
  // check sees: the expanded depth is bounded here.
  if (depth > k_max_yaml_depth) {
    m_doc.error(m_config_at ? *m_config_at : m_doc.at(node), path, code::invalid_value,
                fmt::format("a config may nest at most {} levels once YAML aliases are expanded (is an alias "
                            "inside its own anchor?)",
                            k_max_yaml_depth));
    return std::nullopt;
  }
  if (++m_config_values > k_max_config_values) {
    if (m_config_values == k_max_config_values + 1) {
      m_doc.error(m_config_at ? *m_config_at : m_doc.at(node), path, code::invalid_value,
                  fmt::format("a config may hold at most {} values once YAML aliases are expanded",
                              k_max_config_values));
    }
    return std::nullopt;
  }
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return json(nullptr);
    case YAML::NodeType::Sequence: {
      json array = json::array();
      size_t i = 0;
      for (const Node& item : node) {
        auto v = to_json_value(item, fmt::format("{}[{}]", path, i++), depth + 1);
        if (!v) return std::nullopt;
        array.push_back(std::move(*v));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) {
          m_doc.error(m_doc.at(it->first), path, code::wrong_shape, "config keys must be strings");
          return std::nullopt;
        }
        const std::string& name = it->first.Scalar();
        if (object.contains(name)) {
          m_doc.error(m_doc.at(it->first), path + "." + name, code::duplicate_field,
                      fmt::format("field '{}' appears twice in {}", name, path));
          return std::nullopt;
        }
        auto v = to_json_value(it->second, path + "." + name, depth + 1);
        if (!v) return std::nullopt;
        object[name] = std::move(*v);
      }
      return object;
    }
    case YAML::NodeType::Scalar:
      return scalar_json(node, path);
  }
  return std::nullopt;
}

std::optional<double> Reader::parse_decimal(const std::string& s) {
  if (!is_decimal(s)) return std::nullopt;
  double v = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<json> Reader::scalar_json(const Node& node, const std::string& path) {
  const std::string& s = node.Scalar();
  if (!is_plain(node)) return json(s);
  if (s == "true" || s == "True" || s == "TRUE") return json(true);
  if (s == "false" || s == "False" || s == "FALSE") return json(false);
  if (is_integer(s)) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data() + (s[0] == '+' ? 1 : 0), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size()) return json(v);
  }
  if (auto d = parse_decimal(s)) return json(*d);
  if (is_decimal(s)) {
    m_doc.error(m_doc.at(node), path, code::invalid_value,
                fmt::format("the number '{}' is too large for a JSON config; quote it to keep it as text",
                            excerpt(s)));
    return std::nullopt;
  }
  if (s == ".inf" || s == "-.inf" || s == ".nan" || s == ".NaN" || s == ".Inf" || s == "-.Inf") {
    m_doc.error(m_doc.at(node), path, code::invalid_value,
                fmt::format("'{}' cannot be stored in JSON config", excerpt(s)));
    return std::nullopt;
  }
  return json(s);
}

std::string Reader::shown(const Node& node) {
  if (node.IsNull()) return "nothing";
  if (node.IsScalar()) return "'" + excerpt(node.Scalar()) + "'";
  if (node.IsSequence()) return "a list";
  return "a map";
}

}  // namespace expt::spec_reading
