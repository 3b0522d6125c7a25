#include "core/serve/remote_assign.h"

#include "core/assign/assignment_json.h"
#include "core/assign/layer_selection.h"
#include "core/base/excerpt.h"

namespace expt {

using nlohmann::json;

HttpAnswer error_answer(int status, std::string message) {
  return HttpAnswer{status, json{{"error", std::move(message)}, {"status", status}}, {}};
}

namespace {

// One entity's request checked: its id and layers, or the error answer (`where` names it in a batch).
struct Checked {
  std::optional<HttpAnswer> error;
  std::string_view entity;
  std::vector<size_t> layers;
};

Checked check_one(const BundleSnapshot& snapshot, const json& request, const std::string& where) {
  auto refuse = [&](const std::string& why) { return Checked{error_answer(400, where + why), {}, {}}; };
  if (!request.is_object()) return refuse("must be an object with entity_id");
  for (const auto& [field, value] : request.items()) {
    if (field != "entity_id" && field != "namespaces") {
      return refuse("unknown field '" + excerpt(field, 40) + "' (fields: entity_id, namespaces)");
    }
  }
  auto entity = request.find("entity_id");
  if (entity == request.end() || !entity->is_string()) {
    return refuse("entity_id must be a string (IDs are opaque strings)");
  }
  std::vector<std::string> names;
  if (auto ns = request.find("namespaces"); ns != request.end()) {
    if (!ns->is_array()) return refuse("namespaces must be a list of namespace keys");
    for (const json& n : *ns) {
      if (!n.is_string()) return refuse("namespaces must be a list of namespace keys");
      names.push_back(n.get<std::string>());
    }
  }
  auto layers = select_layers(snapshot.assignment(), names);
  if (!layers) return refuse(layers.error().message);
  return {std::nullopt, entity->get_ref<const std::string&>(), std::move(*layers)};
}

}  // namespace

HttpAnswer remote_assign(const std::shared_ptr<const BundleSnapshot>& snapshot, std::string_view body, size_t max_batch) {
  if (!snapshot) return error_answer(503, "no bundle is published in the folder yet");
  json request = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) return error_answer(400, "the body is not valid JSON");
  const json* batch = nullptr;
  if (request.is_array()) batch = &request;
  if (request.is_object() && request.contains("requests")) {
    if (request.size() != 1 || !request["requests"].is_array()) {
      return error_answer(400, "a batch is {\"requests\": [...]} and nothing else");
    }
    batch = &request["requests"];
  }
  const int64_t version = snapshot->version();
  const AssignmentSnapshot& assignment = snapshot->assignment();
  HttpAnswer answer;
  if (batch == nullptr) {
    Checked one = check_one(*snapshot, request, "");
    if (one.error) return std::move(*one.error);
    append_assignment_json(answer.text, assignment, one.layers, one.entity, version);
    answer.text += '\n';
    return answer;
  }
  if (batch->size() > max_batch) {
    return error_answer(413, "a batch may hold at most " + std::to_string(max_batch) + " requests; this one has " +
                                 std::to_string(batch->size()));
  }
  answer.text = "{\"assignments\":[";
  for (size_t i = 0; i < batch->size(); ++i) {
    Checked one = check_one(*snapshot, (*batch)[i], "requests[" + std::to_string(i) + "]: ");
    if (one.error) return std::move(*one.error);
    if (i > 0) answer.text += ',';
    append_assignment_json(answer.text, assignment, one.layers, one.entity);
    // Large configs times many entities: the answer is bounded, not the server's memory.
    if (answer.text.size() > k_max_assign_answer_bytes) {
      return error_answer(413, "the answer would exceed " + std::to_string(k_max_assign_answer_bytes >> 20) +
                                   " MiB by request " + std::to_string(i) + " (the configs are large); ask for fewer "
                                   "entities per request, or fewer namespaces");
    }
  }
  answer.text += "],\"bundle_version\":" + std::to_string(version) + "}\n";
  return answer;
}

}  // namespace expt
