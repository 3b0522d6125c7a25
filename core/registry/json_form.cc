#include "core/registry/json_form.h"

#include "core/spec/json_form.h"

namespace expt {

using nlohmann::json;

namespace {
json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// A record's canonical spec without its `kind`, plus when it was created and last updated.
template <typename Record>
json with_timestamps(json spec, const Record& r) {
  spec.erase("kind");
  spec["created_at"] = r.created_at;
  spec["updated_at"] = r.updated_at;
  return spec;
}
}  // namespace

json to_json(const ExperimentRecord& r) {
  json j = with_timestamps(to_json(r.spec), r);
  j["status"] = to_string(r.status);
  j["slot_start"] = r.slots ? json(r.slots->start) : json(nullptr);
  j["slot_end"] = r.slots ? json(r.slots->end) : json(nullptr);
  j["holds_slots"] = r.claims_slots();
  j["started_at"] = text_or_null(r.started_at);
  j["stopped_at"] = text_or_null(r.stopped_at);
  j["archived_at"] = text_or_null(r.archived_at);
  return j;
}

json to_json(const NamespaceRecord& r) { return with_timestamps(to_json(r.spec), r); }
json to_json(const MetricRecord& r) { return with_timestamps(to_json(r.spec), r); }

json to_json(const AuditEntry& e) {
  return json{{"id", e.id},         {"at", e.at},
              {"actor", e.actor},   {"action", e.action},
              {"entity_kind", e.entity_kind}, {"entity_key", e.entity_key},
              {"details", e.details}};
}

}  // namespace expt
