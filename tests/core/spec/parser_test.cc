#include "core/spec/parser.h"

#include <catch2/catch.hpp>

#include "core/base/diagnostic.h"
#include "core/base/finding_codes.h"

namespace expt {
namespace {

// Every error of `yaml`, each as its one-line headline.
std::vector<std::string> errors_of(const std::string& yaml) {
  std::vector<std::string> out;
  for (const Error& e : parse_specs(yaml, "specs/x.yaml").errors) out.push_back(diagnostic_headline(e));
  return out;
}

const char* const k_valid_experiment = R"(kind: experiment
key: checkout-cta
namespace: checkout
type: ab
owner_team: growth
traffic:
  slots: 200
variants:
  - key: control
    allocation: 0.5
  - key: green
    allocation: 0.5
    config:
      cta_color: green
metrics:
  - metric: purchase_conversion
    role: primary
)";

TEST_CASE("a valid multi-document file yields one spec per document", "[spec]") {
  std::string yaml = std::string(R"(kind: namespace
key: checkout
total_slots: 500
default_config: {cta_color: blue, max_items: 10, ratio: 0.5, beta: true, none: null, quoted: "10"}
---
kind: metric
key: purchase_conversion
type: conversion
event_type: purchase
---
)") + k_valid_experiment + "---\nkind: global_holdout\nkey: gh\npercent: 1.5\n---\n";
  ParsedSpecs parsed = parse_specs(yaml, "specs/x.yaml");
  REQUIRE(parsed.errors.empty());
  REQUIRE(parsed.specs.namespaces.size() == 1);
  CHECK(parsed.specs.namespaces[0].total_slots == 500);
  CHECK(parsed.specs.namespaces[0].default_config ==
        nlohmann::json::parse(R"({"cta_color":"blue","max_items":10,"ratio":0.5,"beta":true,"none":null,"quoted":"10"})"));
  REQUIRE(parsed.specs.metrics.size() == 1);
  CHECK(parsed.specs.metrics[0].name == "purchase_conversion");
  REQUIRE(parsed.specs.experiments.size() == 1);
  const ExperimentSpec& e = parsed.specs.experiments[0];
  CHECK(e.traffic.kind == TrafficRequest::Kind::slots);
  CHECK(e.traffic.slots == 200);
  CHECK(e.variants[1].allocation_bps == 5000);
  CHECK(e.variants[1].config == nlohmann::json{{"cta_color", "green"}});
  CHECK(e.location.line == 11);
  CHECK(e.fields.at("variants").line == 18);
  REQUIRE(parsed.specs.global_holdouts.size() == 1);
  CHECK(parsed.specs.global_holdouts[0].percent_bps == 150);
}

TEST_CASE("variant allocations that do not sum to 1 point at the variants field", "[spec]") {
  std::string yaml = k_valid_experiment;
  yaml.replace(yaml.find("allocation: 0.5"), 15, "allocation: 0.4");
  CHECK(errors_of(yaml) ==
        std::vector<std::string>{"specs/x.yaml:8:1: error: variant allocations sum to 0.9, expected 1"});
  CHECK(parse_specs(yaml, "f").errors[0].code == code::allocation_sum);
}

TEST_CASE("unknown fields are errors, with a suggestion for typos", "[spec]") {
  std::string yaml = k_valid_experiment;
  yaml.replace(yaml.find("owner_team"), 10, "owner_tema");
  CHECK(errors_of(yaml) == std::vector<std::string>{
                               "specs/x.yaml:5:1: error: unknown field 'owner_tema' in experiment (did you mean 'owner_team'?)",
                               "specs/x.yaml:1:1: error: experiment is missing required field 'owner_team'"});
  CHECK(errors_of("kind: namespace\nkey: a\ncolour: red\n") ==
        std::vector<std::string>{"specs/x.yaml:3:1: error: unknown field 'colour' in namespace; allowed: kind, key, "
                                 "description, total_slots, default_config"});
}

TEST_CASE("keys must match the key pattern", "[spec]") {
  CHECK(errors_of("kind: namespace\nkey: Checkout\n") ==
        std::vector<std::string>{"specs/x.yaml:2:6: error: invalid key 'Checkout': keys match [a-z0-9][a-z0-9._-]{0,127}"});
  CHECK(errors_of("kind: namespace\nkey: -x\n").size() == 1);
  CHECK(errors_of("kind: namespace\nkey: " + std::string(129, 'a') + "\n").size() == 1);
  CHECK(errors_of("kind: namespace\nkey: " + std::string(128, 'a') + "\n").empty());
}

TEST_CASE("malformed YAML is one error at the parser's position", "[spec]") {
  auto parsed = parse_specs("kind: namespace\nkey: [a,\n", "specs/x.yaml");
  REQUIRE(parsed.errors.size() == 1);
  CHECK(parsed.errors[0].code == code::yaml_syntax);
  CHECK(diagnostic_headline(parsed.errors[0]) == "specs/x.yaml:3:1: error: invalid YAML: end of sequence flow not found");
  CHECK(parsed.specs.size() == 0);
}

TEST_CASE("a stray comma at document level is an error, not an endless loop in yaml-cpp", "[spec][limits]") {
  CHECK(errors_of(",\n") ==
        std::vector<std::string>{"specs/x.yaml:1:1: error: invalid YAML: ',' outside a flow collection ([...] or {...})"});
  CHECK(errors_of("- a\n,\n") ==
        std::vector<std::string>{"specs/x.yaml:2:1: error: invalid YAML: ',' outside a flow collection ([...] or {...})"});
  CHECK(errors_of("kind: namespace\nkey: a\n---\n,\n").size() == 1);
}

TEST_CASE("numbers of any length are matched without recursion", "[spec][limits]") {
  const std::string digits(26000, '9');
  CHECK(errors_of("kind: namespace\nkey: n\ndefault_config:\n  limit: " + digits + "\n") ==
        std::vector<std::string>{"specs/x.yaml:4:10: error: the number '" + std::string(80, '9') +
                                 "... (26000 bytes)' is too large for a JSON config; quote it to keep it as text"});
  auto config = parse_yaml_config("a: 12345678901234567890123\nb: -.5e-3\nc: 1.\nd: +7\ne: 1e\nf: .\n", "c.yaml");
  REQUIRE(config);
  CHECK((*config)["a"].is_number_float());
  CHECK((*config)["b"] == -0.0005);
  CHECK((*config)["c"] == 1.0);
  CHECK((*config)["d"] == 7);
  CHECK((*config)["e"] == "1e");
  CHECK((*config)["f"] == ".");
}

TEST_CASE("YAML aliases expand to at most k_max_config_values values", "[spec][limits]") {
  std::string yaml = "kind: namespace\nkey: bomb\ndefault_config:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (std::string name : {"b", "c", "d", "e", "f", "g"}) {
    yaml += "  " + name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) yaml += (i ? ", *" : "*") + previous;
    yaml += "]\n";
    previous = name;
  }
  auto errors = errors_of(yaml);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("error: a config may hold at most 10000 values once YAML aliases are expanded") !=
        std::string::npos);
}

TEST_CASE("an alias inside its own anchor is refused, not expanded until the stack overflows", "[spec][limits]") {
  // Found by the spec parser fuzzer (fixtures/fuzz/spec_parser/stack-overflow-self-alias.yaml).
  CHECK(errors_of("kind: namespace\nkey: loop\ndefault_config:\n  a: &a [1, *a]\n") ==
        std::vector<std::string>{"specs/x.yaml:4:3: error: a config may nest at most 64 levels once YAML aliases are "
                                 "expanded (is an alias inside its own anchor?)"});
  CHECK_FALSE(parse_yaml_config("a: &a [1, *a]\n", "c.yaml"));
}

TEST_CASE("nesting deeper than 64 levels is refused before yaml-cpp's own guard", "[spec][limits]") {
  CHECK(errors_of("kind: namespace\nkey: d\ndefault_config:\n  t: " + std::string(65, '[') + std::string(65, ']') +
                  "\n") ==
        std::vector<std::string>{"specs/x.yaml:4:68: error: invalid YAML: collections nested deeper than 64 levels"});
  CHECK(errors_of(std::string(5000, '[')).size() == 1);
}

TEST_CASE("documents need a known kind", "[spec]") {
  CHECK(errors_of("key: a\n") ==
        std::vector<std::string>{"specs/x.yaml:1:1: error: document has no 'kind'; expected one of namespace, metric, "
                                 "experiment, global_holdout"});
  CHECK(errors_of("kind: experimnt\nkey: a\n") ==
        std::vector<std::string>{"specs/x.yaml:1:7: error: unknown kind 'experimnt' (did you mean 'experiment'?)"});
  CHECK(errors_of("- a\n- b\n") ==
        std::vector<std::string>{"specs/x.yaml:1:1: error: a spec document must be a map with a 'kind' field"});
}

TEST_CASE("numbers are checked for type and range", "[spec]") {
  CHECK(errors_of("kind: namespace\nkey: a\ntotal_slots: lots\n") ==
        std::vector<std::string>{"specs/x.yaml:3:14: error: 'total_slots' must be an integer from 1 to 1000000, got 'lots'"});
  CHECK(errors_of("kind: namespace\nkey: a\ntotal_slots: \"100\"\n").size() == 1);
  CHECK(errors_of("kind: namespace\nkey: a\ntotal_slots: 0\n").size() == 1);
  CHECK(errors_of("kind: global_holdout\nkey: g\npercent: 1.234\n") ==
        std::vector<std::string>{"specs/x.yaml:3:10: error: 'percent' must be a percent in [0, 100) with at most 2 "
                                 "decimals, got '1.234'"});
  std::string yaml = k_valid_experiment;
  yaml.replace(yaml.find("allocation: 0.5"), 15, "allocation: 0.33333");
  CHECK(errors_of(yaml) == std::vector<std::string>{
                               "specs/x.yaml:10:17: error: 'allocation' must be a fraction in (0, 1] with at most 4 "
                               "decimals (basis points), got '0.33333'"});
}

TEST_CASE("the variant set must fit the experiment type", "[spec]") {
  std::string three = std::string(k_valid_experiment) + "";
  three.replace(three.find("metrics:"), 0, "  - key: blue\n    allocation: 0.1\n");
  CHECK(errors_of(three) == std::vector<std::string>{
                                "specs/x.yaml:8:1: error: an ab experiment has exactly 2 variants (control first), got "
                                "3; use type multivariate for more"});
  std::string rollout = k_valid_experiment;
  rollout.replace(rollout.find("type: ab"), 8, "type: rollout");
  CHECK(errors_of(rollout) == std::vector<std::string>{
                                  "specs/x.yaml:8:1: error: a rollout has exactly 1 variant (its allocation is the "
                                  "rolled-out fraction), got 2"});
  std::string holdout = k_valid_experiment;
  holdout.replace(holdout.find("type: ab"), 8, "type: holdout");
  CHECK(errors_of(holdout) == std::vector<std::string>{
                                  "specs/x.yaml:8:1: error: a holdout experiment serves the namespace default config "
                                  "and has no variants; remove 'variants'"});
  std::string duplicate = k_valid_experiment;
  duplicate.replace(duplicate.find("key: green"), 10, "key: control");
  CHECK(errors_of(duplicate) ==
        std::vector<std::string>{"specs/x.yaml:11:10: error: variant key 'control' is used twice"});
}

TEST_CASE("a rollout's single allocation is its fraction and need not be 1", "[spec]") {
  auto parsed = parse_specs(R"(kind: experiment
key: r
namespace: n
type: rollout
owner_team: t
traffic: {percent: 25}
variants:
  - key: on
    allocation: 0.2
)",
                            "f");
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.specs.experiments[0].variants[0].allocation_bps == 2000);
  CHECK(parsed.specs.experiments[0].traffic.percent == 25);
}

TEST_CASE("traffic gives exactly one of slots, percent or range", "[spec]") {
  std::string both = k_valid_experiment;
  both.replace(both.find("  slots: 200"), 12, "  slots: 200\n  percent: 10");
  CHECK(errors_of(both) == std::vector<std::string>{
                               "specs/x.yaml:6:1: error: 'traffic' must give exactly one of slots, percent or range, got 2"});
  std::string range = k_valid_experiment;
  range.replace(range.find("  slots: 200"), 12, "  range: [300, 200]");
  CHECK(errors_of(range) == std::vector<std::string>{
                                "specs/x.yaml:7:10: error: 'range' must be [start, end] with whole slot numbers and start "
                                "<= end (both inclusive)"});
  std::string ok = k_valid_experiment;
  ok.replace(ok.find("  slots: 200"), 12, "  range: [100, 299]");
  auto parsed = parse_specs(ok, "f");
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.specs.experiments[0].traffic.range == SlotRange{100, 299});
}

TEST_CASE("metrics check their type-specific fields", "[spec]") {
  auto ratio = parse_specs(R"(kind: metric
key: aov
type: ratio
numerator: {event_type: purchase, aggregation: sum}
denominator: {event_type: purchase, aggregation: count}
)",
                           "f");
  REQUIRE(ratio.errors.empty());
  CHECK(ratio.specs.metrics[0].denominator->aggregation == Aggregation::count);
  auto p99 = parse_specs("kind: metric\nkey: lat\ntype: percentile\nevent_type: page_load\naggregation: p99.9\n", "f");
  REQUIRE(p99.errors.empty());
  CHECK(p99.specs.metrics[0].quantile == Approx(0.999));
  CHECK(errors_of("kind: metric\nkey: c\ntype: conversion\nevent_type: e\naggregation: sum\n") ==
        std::vector<std::string>{"specs/x.yaml:5:1: error: field 'aggregation' does not apply to conversion metrics; "
                                 "a conversion counts entities with at least one event"});
  CHECK(errors_of("kind: metric\nkey: r\ntype: ratio\nnumerator: {event_type: a}\n") ==
        std::vector<std::string>{"specs/x.yaml:1:1: error: metric is missing required field 'denominator'"});
  CHECK(errors_of("kind: metric\nkey: m\ntype: average\nevent_type: e\n") ==
        std::vector<std::string>{"specs/x.yaml:3:7: error: 'type' must be one of conversion, mean, ratio, percentile; "
                                 "got 'average'"});
  CHECK(errors_of("kind: metric\nkey: p\ntype: percentile\nevent_type: e\naggregation: p100\n").size() == 1);
}

TEST_CASE("guardrails need a threshold and the plan needs a primary metric", "[spec]") {
  std::string guardrail = k_valid_experiment;
  guardrail += "  - metric: page_load_p95\n    role: guardrail\n";
  CHECK(errors_of(guardrail) == std::vector<std::string>{
                                    "specs/x.yaml:18:5: error: guardrail metric 'page_load_p95' needs a threshold (the "
                                    "degradation it tolerates)"});
  std::string plan = k_valid_experiment;
  plan += "plan:\n  metric: revenue\n  baseline: 0.1\n  mde: 0.05\n  duration_days: 14\n  daily_entities: 1000\n";
  CHECK(errors_of(plan) == std::vector<std::string>{
                               "specs/x.yaml:19:11: error: plan metric 'revenue' must be bound to the experiment with "
                               "role primary"});
}

TEST_CASE("a field written twice is an error", "[spec]") {
  CHECK(errors_of("kind: namespace\nkey: a\nkey: b\n") ==
        std::vector<std::string>{"specs/x.yaml:3:1: error: field 'key' appears twice in namespace"});
}

TEST_CASE("one bad document does not hide the good ones", "[spec]") {
  auto parsed = parse_specs("kind: namespace\nkey: good\n---\nkind: namespace\nkey: BAD\n---\nkind: namespace\nkey: fine\n",
                            "f");
  CHECK(parsed.errors.size() == 1);
  CHECK(parsed.specs.namespaces.size() == 2);
}

TEST_CASE("config values follow the YAML 1.2 core schema", "[spec]") {
  auto config = parse_yaml_config("a: 1\nb: -2.5e3\nc: true\nd: ~\ne: '1'\nf: yes\ng: [1, two]\nh: 0x1F\n", "f");
  REQUIRE(config);
  CHECK(*config == nlohmann::json::parse(R"({"a":1,"b":-2500.0,"c":true,"d":null,"e":"1","f":"yes","g":[1,"two"],"h":"0x1F"})"));
  CHECK_FALSE(parse_yaml_config("a: .inf\n", "f"));
}

}  // namespace
}  // namespace expt
