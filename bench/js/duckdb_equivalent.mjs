// The aggregation `expt analyze` performs on bench/make_analysis_data.py's output, in DuckDB:
// read both CSVs, keep the experiment's first exposure per entity, drop repeated event IDs, keep
// post-exposure events of exposed entities, aggregate per entity, then per variant (n, mean,
// variance, conversion; the p95 of page loads). The same steps as bench/pandas_equivalent.py.
// `node bench/js/duckdb_equivalent.mjs DIR [THREADS]` prints the aggregates and the wall time;
// docs/performance.md compares it with `expt analyze`, run alternately on the same machine.
import { DuckDBInstance } from "@duckdb/node-api";

const dir = process.argv[2];
const threads = Number(process.argv[3] ?? 2);
if (!dir) {
  console.error("usage: duckdb_equivalent.mjs DIR [THREADS]");
  process.exit(2);
}

const start = process.hrtime.bigint();
const instance = await DuckDBInstance.create(":memory:", { threads: String(threads) });
const db = await instance.connect();
await db.run(`
  CREATE TEMP TABLE exposed AS
  SELECT entity_id, arg_min(variant, timestamp) AS variant, min(timestamp) AS exposed_at
  FROM read_csv('${dir}/exposures.csv', header = true,
                columns = {'entity_id': 'VARCHAR', 'experiment': 'VARCHAR', 'variant': 'VARCHAR', 'timestamp': 'BIGINT'})
  WHERE experiment = 'bench-test'
  GROUP BY entity_id`);
await db.run(`
  CREATE TEMP TABLE counted AS
  SELECT e.entity_id, e.event_type, e.value, x.variant
  FROM (SELECT DISTINCT ON (event_id) *
        FROM read_csv('${dir}/events.csv', header = true,
                      columns = {'event_id': 'VARCHAR', 'entity_id': 'VARCHAR', 'event_type': 'VARCHAR',
                                 'timestamp': 'BIGINT', 'value': 'DOUBLE'})) e
  JOIN exposed x USING (entity_id)
  WHERE e.timestamp >= x.exposed_at`);
const summary = await db.runAndReadAll(`
  WITH purchases AS (
    SELECT entity_id, count(*) AS c, sum(value) AS s FROM counted WHERE event_type = 'purchase' GROUP BY entity_id),
  per_entity AS (
    SELECT x.variant, coalesce(p.c, 0) AS c, coalesce(p.s, 0) AS s FROM exposed x LEFT JOIN purchases p USING (entity_id))
  SELECT variant, count(*) AS n, avg(s) AS revenue, var_samp(s) AS revenue_var, avg((c > 0)::DOUBLE) AS conversion
  FROM per_entity GROUP BY variant ORDER BY variant`);
const loads = await db.runAndReadAll(`
  SELECT variant, quantile_cont(value, 0.95) AS p95, count(*) AS events
  FROM counted WHERE event_type = 'page_load' GROUP BY variant ORDER BY variant`);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({
  tool: "DuckDB (@duckdb/node-api 1.5.6-r.1)",
  threads,
  summary: summary.getRowObjectsJson(),
  page_load_p95: loads.getRowObjectsJson(),
  seconds,
}));
