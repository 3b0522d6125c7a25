#include "commands/render/assignment_rows.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "core/base/csv_field.h"

namespace expt {
namespace {

// Keys never need escaping or quoting; an empty one is "no experiment": null in JSON.
std::string json_key_or_null(std::string_view key) {
  return key.empty() ? std::string("null") : "\"" + std::string(key) + "\"";
}

}  // namespace

AssignmentRowWriter::AssignmentRowWriter(const AssignmentSnapshot& snapshot, OutputFormat format)
    : m_snapshot(snapshot), m_format(format == OutputFormat::jsonl ? OutputFormat::jsonl : OutputFormat::csv) {
  auto add = [&](std::string_view ns, std::string_view experiment, std::string_view variant) {
    if (m_format == OutputFormat::jsonl) {
      m_middles.push_back(",\"namespace\":\"" + std::string(ns) + "\",\"experiment\":" + json_key_or_null(experiment) +
                          ",\"variant\":" + json_key_or_null(variant) + ",\"slot\":");
    } else {
      m_middles.push_back("," + std::string(ns) + "," + std::string(experiment) + "," + std::string(variant) + ",");
    }
    return m_middles.size() - 1;
  };
  for (const SnapshotLayer& l : snapshot.layers) m_layer_none.push_back(add(l.key, "", ""));
  for (const SnapshotExperiment& e : snapshot.experiments) {
    const std::string& ns = snapshot.layers[e.layer].key;
    if (e.type == ExperimentType::holdout) {
      m_experiment_first.push_back(add(ns, e.key, k_holdout_variant));
      continue;
    }
    m_experiment_first.push_back(m_middles.size());
    for (const SnapshotVariant& v : e.variants) add(ns, e.key, v.key);
  }
}

void AssignmentRowWriter::append_entity(std::string& out, std::string_view entity, const std::vector<size_t>& layers) {
  const bool held = in_global_holdout(m_snapshot, entity);
  set_entity(entity);
  for (size_t layer : layers) append(out, layer, assign_in_layer(m_snapshot, layer, entity, held));
}

void AssignmentRowWriter::set_entity(std::string_view entity) {
  m_entity.clear();
  if (m_format == OutputFormat::jsonl) {
    m_entity += "{\"entity_id\":";
    bool plain = true;
    for (unsigned char c : entity) plain = plain && c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    if (plain) {
      m_entity += '"';
      m_entity += entity;
      m_entity += '"';
    } else {
      m_entity += nlohmann::json(std::string(entity)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  } else {
    append_csv_field(m_entity, entity);
  }
}

const std::string& AssignmentRowWriter::middle(size_t layer, const LayerAssignment& a) const {
  if (a.experiment < 0) return m_middles[m_layer_none[layer]];
  const size_t first = m_experiment_first[static_cast<size_t>(a.experiment)];
  return m_middles[a.variant < 0 ? first : first + static_cast<size_t>(a.variant)];
}

void AssignmentRowWriter::append(std::string& out, size_t layer, const LayerAssignment& a) const {
  char digits[16];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, a.slot);
  out += m_entity;
  out += middle(layer, a);
  out.append(digits, end);
  if (m_format == OutputFormat::jsonl) {
    out += a.in_global_holdout ? std::string_view(",\"in_holdout\":true}\n") : std::string_view(",\"in_holdout\":false}\n");
  } else {
    out += a.in_global_holdout ? std::string_view(",true\n") : std::string_view(",false\n");
  }
}

}  // namespace expt
