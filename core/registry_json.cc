#include "core/registry_json.h"

#include "core/spec_json.h"

namespace expt {

using nlohmann::json;

namespace {
json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
}  // namespace

json to_json(const ExperimentRecord& r) {
  json j = to_json(r.spec);
  j.erase("kind");
  j["status"] = to_string(r.status);
  j["slot_start"] = r.slots ? json(r.slots->start) : json(nullptr);
  j["slot_end"] = r.slots ? json(r.slots->end) : json(nullptr);
  j["holds_slots"] = r.claims_slots();
  j["created_at"] = r.created_at;
  j["updated_at"] = r.updated_at;
  j["started_at"] = text_or_null(r.started_at);
  j["stopped_at"] = text_or_null(r.stopped_at);
  j["archived_at"] = text_or_null(r.archived_at);
  return j;
}

json to_json(const NamespaceRecord& r) {
  json j = to_json(r.spec);
  j.erase("kind");
  j["created_at"] = r.created_at;
  j["updated_at"] = r.updated_at;
  return j;
}

json to_json(const MetricRecord& r) {
  json j = to_json(r.spec);
  j.erase("kind");
  j["created_at"] = r.created_at;
  j["updated_at"] = r.updated_at;
  return j;
}

json to_json(const AuditEntry& e) {
  return json{{"id", e.id},         {"at", e.at},
              {"actor", e.actor},   {"action", e.action},
              {"entity_kind", e.entity_kind}, {"entity_key", e.entity_key},
              {"details", e.details}};
}

}  // namespace expt
