// The aggregates data source: per-variant sufficient statistics that any warehouse produced, as
// CSV or JSON rows (docs/warehouse.md), read from a file or stdin.

#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/process/input_stream.h"
#include "core/usecase/data_source.h"
#include "core/warehouse/aggregate_rows.h"

namespace expt {

namespace {

constexpr size_t k_max_aggregates_bytes = size_t{64} << 20;

class AggregatesSource final : public DataSource {
 public:
  AggregatesSource(const AnalysisRequest& request, Session& session) : m_request(request), m_session(session) {}

  std::vector<std::string> files() const override { return {m_request.aggregates}; }

  Result<AnalysisInput> read(const AnalysisSubject& subject, const DaySink& on_day) override;

 private:
  // Each day's rows are that day's cumulative statistics.
  Result<void> read_days(const std::vector<AggregateRow>& rows, const AnalysisSubject& subject, const DaySink& on_day) const;

  const AnalysisRequest& m_request;
  Session& m_session;
};

Result<void> AggregatesSource::read_days(const std::vector<AggregateRow>& rows, const AnalysisSubject& subject,
                                         const DaySink& on_day) const {
  const std::string& key = subject.experiment.spec.key;
  std::set<std::string> days;
  for (const AggregateRow& r : rows) {
    if (!r.day.empty() && (r.experiment.empty() || r.experiment == key)) days.insert(r.day);
  }
  if (days.empty()) {
    return Error::invalid("--by day needs aggregates with a day column, one day per row (the daily aggregates table of "
                          "docs/warehouse.md)",
                          SourceLocation{m_request.aggregates}, "day");
  }
  for (const std::string& day : days) {
    auto d = assemble_aggregates(rows, key, variant_keys(subject.experiment), subject.metrics, m_request.confidence, day,
                                 m_request.aggregates, subject.covariates);
    if (!d) return std::move(d).error();
    on_day(day, d->metrics, d->entities);
  }
  return {};
}

Result<AnalysisInput> AggregatesSource::read(const AnalysisSubject& subject, const DaySink& on_day) {
  const std::string& file = m_request.aggregates;
  auto in = open_input(file, m_session.in);
  if (!in) return std::move(in).error();
  // Sufficient statistics are small: a few rows per metric, variant and day. A bound keeps a
  // mistaken input (the raw events, a runaway export) from taking the machine's memory.
  std::string text;
  text.resize(k_max_aggregates_bytes + 1);
  in->stream->read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in->stream->gcount()));
  if (text.size() > k_max_aggregates_bytes) {
    return Error::invalid(fmt::format("the aggregates are larger than {} MiB; per-variant sums of even a thousand "
                                      "metrics over years of days are far smaller (are these the raw events? those go "
                                      "to --events and --exposures)",
                                      k_max_aggregates_bytes >> 20),
                          SourceLocation{file});
  }
  const size_t first = text.find_first_not_of(" \t\r\n");
  Result<std::vector<AggregateRow>> rows = std::vector<AggregateRow>{};
  if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) {
    rows = read_aggregate_rows_json(text, file);
  } else {
    std::istringstream stream(text);
    rows = read_aggregate_rows_csv(stream, file);
  }
  if (!rows) return std::move(rows).error();
  auto assembled = assemble_aggregates(*rows, subject.experiment.spec.key, variant_keys(subject.experiment), subject.metrics,
                                       m_request.confidence, m_request.day, file, subject.covariates);
  if (!assembled) return std::move(assembled).error();
  if (on_day) {
    if (auto days = read_days(*rows, subject, on_day); !days) return std::move(days).error();
  }
  const std::string day = assembled->day;
  AnalysisInput input = input_from_aggregates(std::move(*assembled));
  input.events_name = file;
  input.exposures_name = file;
  input.source = {{"kind", "aggregates"}, {"file", file}};
  if (!day.empty()) input.source["day"] = day;
  return input;
}

}  // namespace

std::unique_ptr<DataSource> aggregates_source(const AnalysisRequest& request, Session& session) {
  return std::make_unique<AggregatesSource>(request, session);
}

}  // namespace expt
