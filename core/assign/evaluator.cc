#include "core/assign/evaluator.h"

#include <algorithm>
#include <array>
#include <exception>
#include <new>

#include "core/assign/bundle.h"
#include "core/assign/bundle_snapshot.h"
#include "core/base/text_file.h"

namespace expt {

using nlohmann::json;

namespace {

Result<json> parse_json(std::string_view text, const std::string& name) {
  if (text.size() > k_max_bundle_bytes) {
    return Error::invalid("larger than " + std::to_string(k_max_bundle_bytes >> 20) + " MiB", SourceLocation{name});
  }
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Error::invalid("not valid JSON", SourceLocation{name});
  return value;
}

// Runs `f`, turning the exceptions a library or allocation may throw into an Error, so that none
// leaves the SDK (the contract in evaluator.h).
template <typename F>
auto guarded(const std::string& name, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Error::io("out of memory while reading the bundle", name);
  } catch (const std::exception& e) {
    return Error::invalid(std::string("malformed bundle: ") + e.what(), SourceLocation{name});
  }
}

}  // namespace

BundleSnapshot::BundleSnapshot(json document, AssignmentSnapshot assignment)
    : m_document(std::move(document)), m_assignment(std::move(assignment)) {
  m_version = m_document.at("bundle_version").get<int64_t>();
  m_content_hash = m_document.at("content_hash").get<std::string>();
  m_lineage = m_document.value("lineage", std::string());
}

Result<std::shared_ptr<const BundleSnapshot>> BundleSnapshot::from_document(json document, const std::string& name) {
  return guarded(name, [&]() -> Result<std::shared_ptr<const BundleSnapshot>> { return build(std::move(document), name); });
}

Result<std::shared_ptr<const BundleSnapshot>> BundleSnapshot::build(json document, const std::string& name) {
  auto assignment = snapshot_from_bundle(document, name);
  if (!assignment) return std::move(assignment).error();
  if (!document["bundle_version"].is_number_integer()) {
    return Error::invalid("bundle_version must be an integer", SourceLocation{name}, "bundle_version");
  }
  return std::shared_ptr<const BundleSnapshot>(new BundleSnapshot(std::move(document), std::move(*assignment)));
}

Result<std::shared_ptr<const BundleSnapshot>> BundleSnapshot::parse(std::string_view text, const std::string& name) {
  return guarded(name, [&]() -> Result<std::shared_ptr<const BundleSnapshot>> {
    auto document = parse_json(text, name);
    if (!document) return std::move(document).error();
    return build(std::move(*document), name);
  });
}

Result<std::shared_ptr<const BundleSnapshot>> BundleSnapshot::apply_diff(std::string_view patch_text,
                                                                         const std::string& name) const {
  return guarded(name, [&]() -> Result<std::shared_ptr<const BundleSnapshot>> {
    auto patch = parse_json(patch_text, name);
    if (!patch) return std::move(patch).error();
    auto next = apply_bundle_diff(m_document, *patch, name, VerifyResult::no);  // build() verifies
    if (!next) return std::move(next).error();
    return build(std::move(*next), name);
  });
}

void evaluate_into(std::shared_ptr<const BundleSnapshot> snapshot, std::string_view entity_id, Evaluation& out) {
  out.snapshot = std::move(snapshot);
  if (!out.snapshot) {
    out.layers.clear();
    return;
  }
  const AssignmentSnapshot& s = out.snapshot->assignment();
  const bool held = in_global_holdout(s, entity_id);
  // Every element is overwritten in place: a reused Evaluation neither allocates nor builds a
  // temporary per layer.
  out.layers.resize(s.layers.size());
  constexpr size_t k_batch = 32;
  std::array<LayerAssignment, k_batch> batch;
  for (size_t first = 0; first < s.layers.size(); first += k_batch) {
    const size_t count = std::min(k_batch, s.layers.size() - first);
    assign_in_layers(s, first, entity_id, held, std::span(batch.data(), count));
    for (size_t i = 0; i < count; ++i) {
      const LayerAssignment& a = batch[i];
      const size_t layer = first + i;
      out.layers[layer] = EvaluatedLayer{s.layers[layer].key, experiment_key(s, a), variant_key(s, a), a.slot,
                                         a.in_global_holdout, &merged_config(s, layer, a)};
    }
  }
}

Evaluation evaluate(std::shared_ptr<const BundleSnapshot> snapshot, std::string_view entity_id) {
  Evaluation result;
  evaluate_into(std::move(snapshot), entity_id, result);
  return result;
}

void Evaluator::swap_in(std::shared_ptr<const BundleSnapshot> next) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_current.swap(next);
  // The old snapshot is released here, outside evaluation; readers still holding it keep it alive.
}

std::shared_ptr<const BundleSnapshot> Evaluator::snapshot() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_current;
}

Evaluation Evaluator::assign(std::string_view entity_id) const { return evaluate(snapshot(), entity_id); }

void Evaluator::assign_into(std::string_view entity_id, Evaluation& out) const {
  evaluate_into(snapshot(), entity_id, out);
}

Result<void> Evaluator::load_string(std::string_view text, const std::string& name) {
  std::lock_guard<std::mutex> writer(m_writer_mutex);
  auto next = BundleSnapshot::parse(text, name);
  if (!next) return std::move(next).error();
  swap_in(std::move(*next));
  return {};
}

void Evaluator::replace(std::shared_ptr<const BundleSnapshot> next) {
  std::lock_guard<std::mutex> writer(m_writer_mutex);
  swap_in(std::move(next));
}

Result<void> Evaluator::load_file(const std::string& path) {
  auto text = guarded(path, [&] { return read_text_file(path); });
  if (!text) return std::move(text).error();
  return load_string(*text, path);
}

Result<void> Evaluator::apply_diff(std::string_view patch_text, const std::string& name) {
  std::lock_guard<std::mutex> writer(m_writer_mutex);
  auto current = snapshot();
  if (!current) return Error::invalid("no bundle loaded to apply a diff to", SourceLocation{name});
  auto next = current->apply_diff(patch_text, name);
  if (!next) return std::move(next).error();
  swap_in(std::move(*next));
  return {};
}

Result<void> Evaluator::apply_diff_file(const std::string& path) {
  auto text = guarded(path, [&] { return read_text_file(path); });
  if (!text) return std::move(text).error();
  return apply_diff(*text, path);
}

}  // namespace expt
