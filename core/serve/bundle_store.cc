#include "core/serve/bundle_store.h"

#include <algorithm>
#include <filesystem>

#include "core/assign/bundle.h"
#include "core/assign/bundle_protocol.h"
#include "core/base/text_file.h"

namespace expt {

namespace {

namespace fs = std::filesystem;

std::string path_in(const std::string& folder, std::string_view name) { return (fs::path(folder) / name).string(); }

}  // namespace

std::shared_ptr<const FolderState> BundleStore::state() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_state;
}

std::string BundleStore::last_problem() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_problem;
}

Result<bool> BundleStore::rescan() {
  std::shared_ptr<const FolderState> current = state();
  auto next = std::make_shared<FolderState>(*current);
  std::string problem;
  std::error_code ec;
  fs::directory_iterator it(m_folder, ec);
  if (ec) return Error::io("cannot read the bundle folder '" + m_folder + "': " + ec.message(), m_folder);
  for (const fs::directory_entry& entry : it) {
    auto version = bundle_file_version(entry.path().filename().string());
    if (!version || next->versions.contains(*version)) continue;
    const std::string path = entry.path().string();
    auto text = read_text_file(path);
    if (!text) continue;  // still being written by an export, or unreadable: the next scan retries
    auto snapshot = BundleSnapshot::parse(*text, path);
    if (!snapshot || (*snapshot)->version() != *version) {
      problem = snapshot ? path + ": bundle_version differs from the file name" : snapshot.error().message;
      continue;
    }
    next->versions[*version] = PublishedVersion{*version, (*snapshot)->content_hash(), text->size()};
  }
  // latest.json is written last by an export, and only forwards: it is the published version.
  const std::string latest_path = path_in(m_folder, k_latest_file);
  bool changed = false;
  std::string refused;  // the hash of a latest.json refused now
  next->latest_problem.clear();
  auto text = read_text_file(latest_path);
  auto snapshot = text ? BundleSnapshot::parse(*text, latest_path) : Result<std::shared_ptr<const BundleSnapshot>>(text.error());
  if (!snapshot) {
    // A folder without latest.json and without bundles is merely empty; anything else is a problem.
    if (text || !next->versions.empty()) next->latest_problem = snapshot.error().message;
    if (text) problem = snapshot.error().message;
  } else if (const auto& s = *snapshot; current->latest && !current->lineage.empty() && s->lineage() != current->lineage) {
    next->latest_problem = latest_path + " comes from another registry (lineage '" + s->lineage() + "', serving '" +
                           current->lineage + "'); restart the server to serve the rebuilt folder";
    refused = s->content_hash();
  } else if (current->latest && s->version() < *current->latest) {
    next->latest_problem = latest_path + " names version " + std::to_string(s->version()) + ", older than version " +
                           std::to_string(*current->latest) + " served; versions only move forward";
    refused = s->content_hash();
  } else if (!current->latest || s->version() > *current->latest) {
    const int64_t v = s->version();
    next->versions.try_emplace(v, PublishedVersion{v, s->content_hash(), text->size()});
    next->latest = v;
    next->lineage = s->lineage();
    next->latest_text = std::make_shared<const std::string>(std::move(*text));
    next->latest_snapshot = s;
    changed = true;
  }
  if (!next->latest && !next->versions.empty()) {
    // No latest.json that verifies (damaged, or a crash before it was written): serve the newest
    // bundle file that does, rather than nothing.
    for (auto v = next->versions.rbegin(); v != next->versions.rend() && !next->latest; ++v) {
      const std::string path = path_in(m_folder, bundle_file_name(v->first));
      auto bundle = read_text_file(path);
      if (!bundle) continue;
      auto parsed = BundleSnapshot::parse(*bundle, path);
      if (!parsed) continue;
      next->latest = v->first;
      next->lineage = (*parsed)->lineage();
      next->latest_text = std::make_shared<const std::string>(std::move(*bundle));
      next->latest_snapshot = *parsed;
      changed = true;
    }
  }
  if (!snapshot && next->latest && !next->latest_problem.empty()) {
    // Said on every scan, not only the one that fell back: the reason must not change while the
    // folder does not (a rescan starts from the state it fell back to).
    next->latest_problem = latest_path + " does not verify (" + next->latest_problem + "); serving " +
                           bundle_file_name(*next->latest) + ", the newest bundle that does";
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  m_state = std::move(next);
  if (!problem.empty()) m_problem = problem;
  if (!refused.empty() && refused != m_refused_latest) {
    ++m_refused;
    m_refused_latest = refused;
  }
  return changed;
}

int64_t BundleStore::refused_versions() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_refused;
}

Result<std::string> BundleStore::bundle_text(int64_t version) const {
  std::shared_ptr<const FolderState> s = state();
  if (s->latest && version == *s->latest) return *s->latest_text;
  if (!s->versions.contains(version)) {
    return Error::not_found("bundle version " + std::to_string(version) + " is not published");
  }
  return read_text_file(path_in(m_folder, bundle_file_name(version)));
}

ComposedDiff BundleStore::composed_diff(int64_t from, int64_t to) const {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (auto cached = m_patches.find({from, to}); cached != m_patches.end()) return {*cached->second, {}};
  }
  ComposedDiff built = compose(from, to);
  if (built.patch) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_patches.size() >= 64) m_patches.clear();
    m_patches[{from, to}] = std::make_shared<const std::string>(*built.patch);
  }
  return built;
}

ComposedDiff BundleStore::compose(int64_t from, int64_t to) const {
  std::shared_ptr<const FolderState> s = state();
  if (from >= to) return {std::nullopt, "version " + std::to_string(from) + " is not older than " + std::to_string(to)};
  if (!s->versions.contains(from)) return {std::nullopt, "version " + std::to_string(from) + " is not published here"};
  auto target = s->versions.find(to);
  if (target == s->versions.end()) return {std::nullopt, "version " + std::to_string(to) + " is not published"};
  std::string patch = "[";
  size_t operations = 0;
  for (int64_t v = from; v < to; ++v) {
    const std::string name = diff_file_name(v, v + 1);
    auto text = read_text_file(path_in(m_folder, name));
    if (!text) return {std::nullopt, "missing " + name};
    // Published diffs are canonical JSON arrays: splice their elements rather than re-serialise.
    std::string_view body(*text);
    while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.remove_suffix(1);
    if (body.size() < 2 || body.front() != '[' || body.back() != ']') return {std::nullopt, name + " is not a JSON array"};
    body = body.substr(1, body.size() - 2);
    if (!body.empty()) {
      if (patch.size() > 1) patch += ',';
      patch += body;
    }
    operations += static_cast<size_t>(std::count(body.begin(), body.end(), '{'));  // an upper bound
    // A diff as large as the bundle saves nothing: send the bundle.
    if (patch.size() >= target->second.bytes) return {std::nullopt, "the diffs are larger than the bundle"};
  }
  if (operations > k_max_diff_operations) return {std::nullopt, "too many operations"};
  patch += "]\n";
  return {std::move(patch), {}};
}

}  // namespace expt
