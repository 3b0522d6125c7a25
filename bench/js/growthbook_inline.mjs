// GrowthBook's JS SDK on the setup of bench/assignment_bench.cc's three layers: one experiment per
// namespace, each in that namespace's share of traffic, evaluated for every user in turn.
// `node bench/js/growthbook_inline.mjs [USERS] [REPEATS]` prints the median users/s and layer
// assignments/s over REPEATS runs (docs/performance.md compares them with expt's SDK).
import { GrowthBookClient } from "@growthbook/growthbook";

const users = Number(process.argv[2] ?? 1_000_000);
const repeats = Number(process.argv[3] ?? 5);

// The same namespaces, slot ranges (as fractions of 1,000 slots) and weights as the C++ bench.
const experiments = [
  { key: "checkout-cta-color", variations: [0, 1], weights: [0.5, 0.5], namespace: ["checkout", 0.3, 0.5] },
  { key: "search-ranker-v2", variations: [0, 1], weights: [0.5, 0.5], namespace: ["search-ranking", 0, 0.5] },
  { key: "pricing-discount-banner", variations: [0, 1], weights: [0.7, 0.3], namespace: ["pricing", 0, 0.5] },
];

const client = new GrowthBookClient({});
const ids = Array.from({ length: 4096 }, (_, i) => `user-${String(i * 7919).padStart(8, "0")}`);
const contexts = ids.map((id) => ({ attributes: { id } }));

function run() {
  let inExperiment = 0;
  const start = process.hrtime.bigint();
  for (let u = 0; u < users; ++u) {
    const context = contexts[u & 4095];
    for (const experiment of experiments) {
      if (client.runInlineExperiment(experiment, context).inExperiment) ++inExperiment;
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, inExperiment };
}

run();  // warm-up: lets V8 optimise the evaluation path first
const times = [];
let share = 0;
for (let r = 0; r < repeats; ++r) {
  const { seconds, inExperiment } = run();
  times.push(seconds);
  share = inExperiment / (users * experiments.length);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(JSON.stringify({
  tool: "GrowthBook JS SDK 1.8.0 runInlineExperiment (GrowthBookClient)",
  node: process.version,
  users,
  repeats,
  median_seconds: median,
  users_per_second: users / median,
  assignments_per_second: (users * experiments.length) / median,
  share_in_experiment: share,
}));
