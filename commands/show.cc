#include "commands/show.h"

#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/base/printable.h"

namespace expt {

namespace {

constexpr uint32_t k_map_cells = 50;

struct Row {
  SlotRange range;
  const ExperimentRecord* owner = nullptr;  // nullptr: free
};

// One character per cell; a cell shows the experiment holding most of its slots, '.' if none.
std::string slot_map(uint32_t total, const std::vector<Row>& rows, const std::vector<char>& letters) {
  uint32_t cells = std::min(total, k_map_cells);
  std::string map;
  for (uint32_t c = 0; c < cells; ++c) {
    uint64_t lo = uint64_t{c} * total / cells;
    uint64_t hi = uint64_t{c + 1} * total / cells;  // exclusive
    uint64_t best = 0;
    char shown = '.';
    for (size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].owner == nullptr) continue;
      uint64_t start = std::max<uint64_t>(lo, rows[i].range.start);
      uint64_t end = std::min<uint64_t>(hi, uint64_t{rows[i].range.end} + 1);
      if (end > start && end - start > best) {
        best = end - start;
        shown = letters[i];
      }
    }
    map += shown;
  }
  return map;
}

}  // namespace

ExitCode run_show(const ShowOptions& options, Io& io) {
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  auto state = (*registry)->read(ReadScope{{}, {options.namespace_key}});  // one layer: its experiments only
  if (!state) return report(io, state.error());
  const NamespaceRecord* ns = state->find_namespace(options.namespace_key);
  if (ns == nullptr) return report(io, unknown_namespace(*state, options.namespace_key));
  const uint32_t total = ns->spec.total_slots;

  std::vector<Row> rows;
  std::vector<SlotClaim> claims;
  for (const ExperimentRecord& e : state->experiments) {
    if (e.spec.namespace_key == ns->spec.key && e.claims_slots()) {
      rows.push_back(Row{*e.slots, &e});
      claims.push_back(SlotClaim{*e.slots, e.spec.key});
    }
  }
  std::vector<SlotRange> free = free_ranges(total, claims);
  for (const SlotRange& r : free) rows.push_back(Row{r, nullptr});
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.range.start < b.range.start; });
  uint32_t free_total = 0;
  for (const SlotRange& r : free) free_total += r.size();
  std::vector<const ExperimentRecord*> drafts_waiting;
  for (const ExperimentRecord& e : state->experiments) {
    if (e.spec.namespace_key == ns->spec.key && e.status == ExperimentStatus::draft && !e.slots) {
      drafts_waiting.push_back(&e);
    }
  }

  if (options.format == OutputFormat::json) {
    nlohmann::json ranges = nlohmann::json::array();
    for (const Row& r : rows) {
      nlohmann::json j{{"slot_start", r.range.start}, {"slot_end", r.range.end}, {"slots", r.range.size()}};
      j["experiment"] = r.owner ? nlohmann::json(r.owner->spec.key) : nlohmann::json(nullptr);
      j["status"] = r.owner ? nlohmann::json(to_string(r.owner->status)) : nlohmann::json("free");
      ranges.push_back(std::move(j));
    }
    nlohmann::json waiting = nlohmann::json::array();
    for (const ExperimentRecord* e : drafts_waiting) waiting.push_back(e->spec.key);
    print_json(io.out, {{"namespace", ns->spec.key},
                        {"description", ns->spec.description},
                        {"total_slots", total},
                        {"free_slots", free_total},
                        {"default_config", ns->spec.default_config},
                        {"ranges", ranges},
                        {"unallocated_drafts", waiting}});
    return ExitCode::ok;
  }

  io.out << fmt::format("namespace {}: {} slots, {} held by {} experiment{}, {} free\n", ns->spec.key, total,
                        total - free_total, claims.size(), claims.size() == 1 ? "" : "s", free_total);
  if (!ns->spec.description.empty()) io.out << printable(ns->spec.description) << '\n';
  io.out << "default config: " << ns->spec.default_config.dump() << "\n\n";

  std::vector<char> letters(rows.size(), '.');
  std::string legend;
  char next = 'A';
  Table table({"SLOTS", "SIZE", "SHARE", "EXPERIMENT", "STATUS", "TYPE"});
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    std::string share = fmt::format("{:.1f}%", 100.0 * r.range.size() / total);
    if (r.owner == nullptr) {
      table.add_row({to_string(r.range), std::to_string(r.range.size()), share, "(free)", "", ""});
      continue;
    }
    letters[i] = next;
    legend += fmt::format("{}{} = {}", legend.empty() ? "" : ", ", next, r.owner->spec.key);
    next = next == 'Z' ? 'a' : next == 'z' ? '#' : static_cast<char>(next + 1);
    table.add_row({to_string(r.range), std::to_string(r.range.size()), share, r.owner->spec.key,
                   std::string(to_string(r.owner->status)), std::string(to_string(r.owner->spec.type))});
  }
  table.print(io.out);
  uint32_t cells = std::min(total, k_map_cells);
  io.out << fmt::format("\n[{}]\n", slot_map(total, rows, letters));
  io.out << fmt::format("one cell = {} slot{}; {}{}. = free\n",
                        total % cells == 0 ? std::to_string(total / cells) : fmt::format("~{}", total / cells),
                        total / cells == 1 ? "" : "s", legend, legend.empty() ? "" : ", ");
  if (!drafts_waiting.empty()) {
    io.out << "\nwaiting for slots:";
    for (const ExperimentRecord* e : drafts_waiting) io.out << ' ' << e->spec.key << " (" << describe(e->spec.traffic) << ')';
    io.out << '\n';
  }
  return ExitCode::ok;
}

}  // namespace expt
