#pragma once
// A warehouse query for the SQL tests: experiment `it's` (a quote to escape), variants control
// and treatment, table analytics.events and exposures whose timestamps are known DateTime (the
// other columns assumed as the DDL makes them), and the metrics asked for.

#include <vector>

#include "core/warehouse/aggregate_query.h"

namespace expt {

// A conversion on purchase events, key `conv`.
MetricSpec conversion_metric();
// The p-quantile of page_load event values, key `load_p95`.
MetricSpec percentile_metric(double p = 0.95);

AggregateQuery sample_aggregate_query(std::vector<MetricSpec> metrics = {conversion_metric()});

}  // namespace expt
