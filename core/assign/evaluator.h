#pragma once
// The in-process SDK: loads a config bundle (a file or a string), can apply a diff to move to
// the next version, and answers "which experiment, variant and config does this entity get in
// each layer" with no registry and no network on the call path.
//
// Errors are values: no function here throws, except that assign() and evaluate() may throw
// std::bad_alloc when memory for the result runs out. Inputs are bounded (core/assign/bundle.h):
// 64 MiB per file, 2,000,000 JSON values per bundle, also after each operation of a diff.
//
// Thread-safety: any number of threads may call assign() and snapshot() while another loads a
// bundle or applies a diff. A reader keeps the snapshot it started with until it finishes; the
// swap only replaces the pointer to the current immutable snapshot. Loads and diffs are
// serialised among themselves, so two diffs never apply to the same base.
//
//   expt::Evaluator evaluator;
//   if (auto loaded = evaluator.load_file("bundles/latest.json"); !loaded) { /* loaded.error() */ }
//   for (const auto& layer : evaluator.assign("user-42").layers) { /* *layer.config */ }

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/assign/assignment.h"
#include "core/base/error.h"

namespace expt {

// One parsed, verified bundle. Immutable after construction.
class BundleSnapshot {
 public:
  // Parses and verifies a bundle document; `name` labels errors (a file name, a URL).
  static Result<std::shared_ptr<const BundleSnapshot>> parse(std::string_view text, const std::string& name);
  static Result<std::shared_ptr<const BundleSnapshot>> from_document(nlohmann::json document, const std::string& name);

  // The snapshot that `patch_text` (an RFC 6902 diff published for this version) leads to.
  // Errors: the diff is for another base version, malformed, or its result does not verify.
  Result<std::shared_ptr<const BundleSnapshot>> apply_diff(std::string_view patch_text, const std::string& name) const;

  int64_t version() const { return m_version; }
  const std::string& content_hash() const { return m_content_hash; }
  // The id of the registry the bundle came from; empty for a format-1 bundle, which has none.
  const std::string& lineage() const { return m_lineage; }
  const nlohmann::json& document() const { return m_document; }
  const AssignmentSnapshot& assignment() const { return m_assignment; }

 private:
  BundleSnapshot(nlohmann::json document, AssignmentSnapshot assignment);
  static Result<std::shared_ptr<const BundleSnapshot>> build(nlohmann::json document, const std::string& name);
  nlohmann::json m_document;
  AssignmentSnapshot m_assignment;
  int64_t m_version = 0;
  std::string m_content_hash;
  std::string m_lineage;
};

struct EvaluatedLayer {
  std::string_view namespace_key;
  std::string_view experiment;  // empty: no experiment in this layer
  std::string_view variant;     // empty: none; "holdout" in a holdout experiment
  uint32_t slot = 0;
  bool in_global_holdout = false;
  // default_config with the variant's config merged over it; never null, owned by the snapshot
  const nlohmann::json* config = nullptr;
};

// The layers of one entity. Holds the snapshot it was computed from, so the views stay valid.
struct Evaluation {
  std::shared_ptr<const BundleSnapshot> snapshot;
  std::vector<EvaluatedLayer> layers;  // in namespace key order
};

// Evaluates `entity_id` in every layer of `snapshot`.
Evaluation evaluate(std::shared_ptr<const BundleSnapshot> snapshot, std::string_view entity_id);
// The same into `out`, reusing its storage: no allocation once `out` has held as many layers.
void evaluate_into(std::shared_ptr<const BundleSnapshot> snapshot, std::string_view entity_id, Evaluation& out);

class Evaluator {
 public:
  // Replace the current bundle; on error the current one is kept.
  Result<void> load_file(const std::string& path);
  Result<void> load_string(std::string_view text, const std::string& name);
  // Moves the current bundle forward by a published diff; on error the current one is kept.
  Result<void> apply_diff(std::string_view patch_text, const std::string& name);
  Result<void> apply_diff_file(const std::string& path);

  // Makes `next` (already verified: it is a BundleSnapshot) the current bundle.
  void replace(std::shared_ptr<const BundleSnapshot> next);

  // The current snapshot (nullptr before the first successful load).
  std::shared_ptr<const BundleSnapshot> snapshot() const;
  // The entity's layers in the current snapshot; no layers before the first load.
  Evaluation assign(std::string_view entity_id) const;
  // The same into `out`, reusing its storage: a loop over entities with one Evaluation
  // allocates nothing per entity (the hot path of a service).
  void assign_into(std::string_view entity_id, Evaluation& out) const;

 private:
  void swap_in(std::shared_ptr<const BundleSnapshot> next);
  std::mutex m_writer_mutex;   // serialises load_* and apply_diff*
  mutable std::mutex m_mutex;  // guards only the pointer below, never evaluation
  std::shared_ptr<const BundleSnapshot> m_current;
};

}  // namespace expt
