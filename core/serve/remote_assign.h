#pragma once
// POST /v1/assign, as a pure function of the latest snapshot and the request body, so it is
// tested (and fuzzed) without a socket. The body is one request or a batch:
//   {"entity_id": "user-7", "namespaces": ["checkout"]}                (namespaces optional)
//   {"requests": [{"entity_id": ...}, ...]}  or  [{"entity_id": ...}, ...]
// The answer holds the fields of `expt assign --format json` per entity plus bundle_version:
//   {"bundle_version": V, "entity_id", "in_global_holdout", "layers": [...]}
//   {"bundle_version": V, "assignments": [{"entity_id", ...}, ...]}
// Errors are {"error": message, "status": code}: 400 for a malformed body or an unknown
// namespace, 413 for a batch over `max_batch` or an answer over k_max_assign_answer_bytes, 503
// before any bundle is published.

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/assign/evaluator.h"

namespace expt {

// The most a batch's answer may hold: a batch of a thousand entities with megabyte configs would
// otherwise be a gigabyte answer built in the server's memory.
inline constexpr size_t k_max_assign_answer_bytes = size_t{16} << 20;

struct HttpAnswer {
  int status = 200;
  nlohmann::json body;
  std::string text;  // when not empty, the answer's JSON text as is (body is then unused)
};

HttpAnswer remote_assign(const std::shared_ptr<const BundleSnapshot>& snapshot, std::string_view body, size_t max_batch);

// {"error": message, "status": status}
HttpAnswer error_answer(int status, std::string message);

}  // namespace expt
