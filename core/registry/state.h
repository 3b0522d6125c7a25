#pragma once
// What the registry holds, as plain values: every namespace, metric and experiment with its
// lifecycle fields, and the global holdout. A RegistryState is a consistent snapshot read in
// one transaction; a ChangeSet is what one command writes back, also in one transaction.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/assign/hash.h"
#include "core/registry/lifecycle.h"
#include "core/registry/slot_allocator.h"
#include "core/spec/spec.h"

namespace expt {

struct NamespaceRecord {
  NamespaceSpec spec;
  std::string created_at;
  std::string updated_at;
};

struct MetricRecord {
  MetricSpec spec;
  std::string created_at;
  std::string updated_at;
};

struct ExperimentRecord {
  ExperimentSpec spec;  // the definition as last loaded by `expt create`
  ExperimentStatus status = ExperimentStatus::draft;
  std::optional<SlotRange> slots;  // the claimed range; kept after archiving as history
  std::string created_at;
  std::string updated_at;
  std::string started_at;   // empty until started
  std::string stopped_at;   // empty until stopped
  std::string archived_at;  // empty until archived

  // True while the experiment's range keeps other experiments out.
  bool claims_slots() const { return slots.has_value() && holds_slots(status); }
};

struct GlobalHoldoutRecord {
  GlobalHoldoutSpec spec;
  std::string updated_at;
};

// One row of the append-only audit log.
struct AuditEntry {
  int64_t id = 0;  // assigned by the registry
  std::string at;
  std::string actor;
  std::string action;       // "create", "update", "allocate", "start", "stop", "archive", ...
  std::string entity_kind;  // "namespace", "metric", "experiment", "global_holdout", "registry"
  std::string entity_key;
  nlohmann::json details = nlohmann::json::object();
};

// Who is changing the registry, and when; stamped on every record and audit entry written.
struct AuditStamp {
  std::string at;     // ISO-8601 UTC
  std::string actor;  // normalised (core/registry/identity.h): EXPT_ACTOR, else the OS account
  // The actor is EXPT_ACTOR's word, naming someone other than the OS account: review policies
  // decide whether that counts (ReviewPolicy::actor_from_environment).
  bool asserted = false;
};

// The newest published bundle, as far as planning needs it.
struct BundleInfo {
  int64_t version = 0;
  std::string content_hash;
  std::string created_at;
};

// A bundle to publish: version, content hash and the exact document text.
struct PublishedBundle {
  BundleInfo info;
  std::string document;  // bundle_text() of the document
};

// One step of an experiment's review (`expt review`): a request, an approval or a rejection,
// with the hash of the experiment's spec it was made on (an approval is void once the spec
// changes). Append-only.
struct ReviewEntry {
  int64_t id = 0;  // assigned by the registry; orders the entries
  std::string experiment;
  std::string kind;  // "request", "approve", "reject"
  std::string actor;
  std::string team;  // the reviewer's team, as they gave it (approve and reject)
  std::string at;
  std::string spec_hash;
  std::string note;
};

// How many approvals an experiment needs before it starts, and who may give them: for one
// namespace, or registry-wide (scope ""); a namespace's policy replaces the registry-wide one.
struct ReviewPolicy {
  std::string scope;
  int approvals = 0;
  std::vector<std::string> teams;  // empty: any team
  bool guardrail_required = false;  // the pre-launch checklist fails without a guardrail metric
  // Reviews by an actor named only by EXPT_ACTOR (not the OS account running expt) count.
  bool actor_from_environment = false;
};

// A notification the monitor owes a receiver (the outbox, docs/governance.md): written in the
// transaction of the change it announces, marked sent once the notify command succeeded.
struct Notification {
  int64_t id = 0;  // assigned by the registry; receivers deduplicate on it
  std::string created_at;
  std::string experiment;
  nlohmann::json payload = nlohmann::json::object();
};

struct RegistryState {
  HashVersion hash_version = k_current_hash_version;
  // A random id the registry got when it was created (or upgraded to schema 8): its bundles carry
  // it, so a client can tell a rebuilt registry's version 3 from this one's.
  std::string lineage;
  std::vector<NamespaceRecord> namespaces;    // sorted by key
  std::vector<MetricRecord> metrics;          // sorted by key
  std::vector<ExperimentRecord> experiments;  // sorted by key
  std::optional<GlobalHoldoutRecord> global_holdout;
  std::optional<BundleInfo> latest_bundle;
  std::vector<ReviewPolicy> review_policies;  // by scope
  std::vector<ReviewEntry> reviews;           // every experiment's, oldest first
  std::vector<Notification> unsent_notifications;  // the outbox, oldest first
  // True when read with a ReadScope: `experiments` and `reviews` hold only the scope's, so
  // nothing that must see every experiment (a bundle, --all) may be computed from it.
  bool partial = false;

  const NamespaceRecord* find_namespace(std::string_view key) const;
  const MetricRecord* find_metric(std::string_view key) const;
  const ExperimentRecord* find_experiment(std::string_view key) const;

  // The ranges held in namespace `namespace_key` by experiments other than `except`.
  std::vector<SlotClaim> claims_in(std::string_view namespace_key, std::string_view except = {}) const;
};

// One analysis kept by `expt analyze --record`, listed by `expt results`. `summary` holds the
// per-variant sufficient statistics as aggregate rows (the form `analyze --aggregates` reads, so a
// recorded analysis can be run again after the raw events are gone) and the report's key numbers
// (docs/analysis.md). Immutable once written.
struct AnalysisRecord {
  int64_t id = 0;  // assigned by the registry
  std::string experiment;
  std::string recorded_at;
  std::string actor;
  std::string data_from;  // the counted data's time range (ISO-8601), empty when unknown
  std::string data_to;
  std::optional<int64_t> bundle_version;  // the newest published bundle at the time
  nlohmann::json inputs = nlohmann::json::object();   // where the data came from, with file hashes
  nlohmann::json summary = nlohmann::json::object();
};

// Records to insert or replace (matched by key) and audit entries to append. Experiments are
// written in order, so one change set can release slots and reuse them.
struct ChangeSet {
  std::vector<NamespaceRecord> namespaces;
  std::vector<MetricRecord> metrics;
  std::optional<GlobalHoldoutRecord> global_holdout;
  std::vector<ExperimentRecord> experiments;
  std::optional<PublishedBundle> bundle;
  std::vector<AnalysisRecord> analyses;
  std::vector<ReviewEntry> reviews;          // appended
  std::vector<ReviewPolicy> review_policies;  // inserted or replaced by scope
  std::vector<Notification> notifications;    // appended to the outbox
  std::vector<int64_t> notifications_sent;    // outbox ids marked sent at `sent_at`
  std::string sent_at;
  std::vector<AuditEntry> audit;

  bool empty() const {
    return namespaces.empty() && metrics.empty() && !global_holdout && experiments.empty() && !bundle &&
           analyses.empty() && reviews.empty() && review_policies.empty() && notifications.empty() &&
           notifications_sent.empty() && audit.empty();
  }
};

// An unknown-experiment error with a "did you mean" hint drawn from `state`.
Error unknown_experiment(const RegistryState& state, std::string_view key);
Error unknown_namespace(const RegistryState& state, std::string_view key);

// The metrics bound to `experiment`, in binding order. Error (not_found): a binding names a
// metric the registry does not hold.
Result<std::vector<MetricSpec>> bound_metrics(const RegistryState& state, const ExperimentRecord& experiment);

}  // namespace expt
