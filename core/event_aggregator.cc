#include "core/event_aggregator.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/timestamp.h"

namespace expt {

namespace {
constexpr ColumnField k_fields[] = {
    {"event_id", true}, {"entity_id", true}, {"event_type", true}, {"timestamp", true}, {"value", false}};
enum { k_event_id, k_entity, k_type, k_timestamp, k_value };

std::optional<double> parse_number(std::string_view text) {
  double v = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}
}  // namespace

EventAggregator::EventAggregator(const ExposureTable& exposures, std::vector<MetricSpec> metrics, size_t variants)
    : m_exposures(exposures), m_metrics(std::move(metrics)), m_variants(variants) {
  for (const MetricSpec& m : m_metrics) {
    int slot = add_slot(m.measure.event_type);
    m_metric_slot.push_back(slot);
    m_metric_denominator.push_back(m.denominator ? add_slot(m.denominator->event_type) : -1);
  }
  m_quantile_metrics_of_slot.resize(m_slots.size());
  m_quantile.resize(m_metrics.size());
  for (size_t i = 0; i < m_metrics.size(); ++i) {
    if (m_metrics[i].type != MetricType::percentile) continue;
    m_quantile_metrics_of_slot[static_cast<size_t>(m_metric_slot[i])].push_back(static_cast<int>(i));
    m_quantile[i].resize(variants);
  }
}

int EventAggregator::slot_of(std::string_view event_type) const {
  for (size_t i = 0; i < m_slots.size(); ++i) {
    if (m_slots[i].event_type == event_type) return static_cast<int>(i);
  }
  return -1;
}

int EventAggregator::add_slot(const std::string& event_type) {
  int existing = slot_of(event_type);
  if (existing >= 0) return existing;
  const size_t entities = m_exposures.variant.size();
  m_slots.push_back(Slot{event_type, std::vector<uint32_t>(entities, 0), std::vector<double>(entities, 0.0)});
  return static_cast<int>(m_slots.size() - 1);
}

Result<void> EventAggregator::ingest(CsvReader& reader, const ColumnMapping& mapping, const IngestOptions& options,
                                     EventCounts& counts) {
  std::vector<std::string_view> fields;
  auto header = reader.next(fields);
  if (!header) return std::move(header).error();
  if (!*header) return Error::invalid("empty file: expected a header row", SourceLocation{reader.file(), 1, 1});
  auto columns = resolve_columns(fields, k_fields, mapping, reader.file());
  if (!columns) return std::move(columns).error();
  const std::vector<int> col = *columns;
  const size_t needed = static_cast<size_t>(*std::max_element(col.begin(), col.end())) + 1;
  auto at = [&](int field) { return fields[static_cast<size_t>(col[static_cast<size_t>(field)])]; };

  for (;;) {
    auto more = reader.next(fields);
    if (!more) return std::move(more).error();
    if (!*more) break;
    ++counts.rows;
    auto bad = [&](int field, std::string message) -> std::optional<Error> {
      if (options.skip_bad_rows) {
        ++counts.bad_rows;
        return std::nullopt;
      }
      const int column = field >= 0 ? reader.column(static_cast<size_t>(col[static_cast<size_t>(field)])) : 1;
      return Error::invalid(std::move(message), SourceLocation{reader.file(), static_cast<int>(reader.line()), column},
                            field >= 0 ? std::string(k_fields[field].name) : std::string());
    };
    if (fields.size() < needed) {
      if (auto e = bad(-1, fmt::format("row has {} fields, expected at least {}", fields.size(), needed))) return *e;
      continue;
    }
    const int slot = slot_of(at(k_type));
    if (slot < 0) {
      ++counts.other_event_types;
      continue;
    }
    const uint32_t entity = m_exposures.entities.find(at(k_entity));
    if (entity == EntityIndex::k_absent || m_exposures.variant[entity] == ExposureTable::k_excluded) {
      ++counts.unexposed;
      continue;
    }
    auto ts = parse_timestamp_ms(at(k_timestamp));
    if (!ts) {
      if (auto e = bad(k_timestamp, fmt::format("timestamp '{}' is neither ISO-8601 nor epoch seconds or milliseconds",
                                                at(k_timestamp)))) {
        return *e;
      }
      continue;
    }
    double value = 1;
    if (col[k_value] >= 0 && !at(k_value).empty()) {
      auto parsed = parse_number(at(k_value));
      if (!parsed) {
        if (auto e = bad(k_value, fmt::format("value '{}' is not a number", at(k_value)))) return *e;
        continue;
      }
      value = *parsed;
    }
    if (!m_seen.insert(at(k_event_id))) {
      ++counts.duplicates;
      continue;
    }
    if (*ts < m_exposures.exposed_at_ms[entity]) {
      ++counts.before_exposure;
      continue;
    }
    ++counts.counted;
    Slot& s = m_slots[static_cast<size_t>(slot)];
    s.count[entity] += 1;
    s.sum[entity] += value;
    for (int metric : m_quantile_metrics_of_slot[static_cast<size_t>(slot)]) {
      m_quantile[static_cast<size_t>(metric)][static_cast<size_t>(m_exposures.variant[entity])].add(value, entity);
    }
  }
  return {};
}

double EventAggregator::entity_value(int slot, Aggregation aggregation, uint32_t entity) const {
  const Slot& s = m_slots[static_cast<size_t>(slot)];
  switch (aggregation) {
    case Aggregation::sum: return s.sum[entity];
    case Aggregation::count: return s.count[entity];
    case Aggregation::avg: return s.count[entity] > 0 ? s.sum[entity] / s.count[entity] : 0.0;
  }
  return 0;
}

std::vector<MetricAggregate> EventAggregator::finish() {
  std::vector<MetricAggregate> result;
  const size_t entities = m_exposures.variant.size();
  for (size_t i = 0; i < m_metrics.size(); ++i) {
    const MetricSpec& m = m_metrics[i];
    MetricAggregate a;
    a.metric = m;
    const int slot = m_metric_slot[i];
    switch (m.type) {
      case MetricType::conversion:
      case MetricType::mean:
        a.mean.resize(m_variants);
        for (uint32_t e = 0; e < entities; ++e) {
          const int32_t v = m_exposures.variant[e];
          if (v < 0) continue;
          const double x = m.type == MetricType::conversion
                               ? (m_slots[static_cast<size_t>(slot)].count[e] > 0 ? 1.0 : 0.0)
                               : entity_value(slot, m.measure.aggregation, e);
          a.mean[static_cast<size_t>(v)].add(x);
        }
        break;
      case MetricType::ratio:
        a.ratio.resize(m_variants);
        for (uint32_t e = 0; e < entities; ++e) {
          const int32_t v = m_exposures.variant[e];
          if (v < 0) continue;
          a.ratio[static_cast<size_t>(v)].add(entity_value(slot, m.measure.aggregation, e),
                                              entity_value(m_metric_denominator[i], m.denominator->aggregation, e));
        }
        break;
      case MetricType::percentile:
        // Renumber entities densely within each variant, as the quantile method expects.
        a.quantile = std::move(m_quantile[i]);
        for (QuantileSample& sample : a.quantile) {
          std::vector<uint32_t> local(entities, UINT32_MAX);
          for (uint32_t& e : sample.entity) {
            if (local[e] == UINT32_MAX) local[e] = sample.entities++;
            e = local[e];
          }
        }
        break;
    }
    result.push_back(std::move(a));
  }
  return result;
}

}  // namespace expt
