#include "core/registry/schema.h"

#include <array>

namespace expt {

namespace {

// Version 1: the seed's data model plus what a shared registry needs (docs/registry.md).
constexpr std::string_view k_v1 = R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('hash_version', '1');

CREATE TABLE namespaces (
  id             INTEGER PRIMARY KEY,
  key            TEXT NOT NULL UNIQUE,
  description    TEXT NOT NULL DEFAULT '',
  total_slots    INTEGER NOT NULL DEFAULT 1000 CHECK (total_slots BETWEEN 1 AND 1000000),
  default_config TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(default_config)),
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);

CREATE TABLE metrics (
  id                      INTEGER PRIMARY KEY,
  key                     TEXT NOT NULL UNIQUE,
  name                    TEXT NOT NULL,
  description             TEXT NOT NULL DEFAULT '',
  type                    TEXT NOT NULL CHECK (type IN ('conversion', 'mean', 'ratio', 'percentile')),
  event_type              TEXT NOT NULL,
  aggregation             TEXT NOT NULL,
  denominator_event_type  TEXT,
  denominator_aggregation TEXT,
  direction               TEXT NOT NULL CHECK (direction IN ('increase', 'decrease')),
  created_at              TEXT NOT NULL,
  updated_at              TEXT NOT NULL,
  CHECK ((type = 'ratio') = (denominator_event_type IS NOT NULL))
);

CREATE TABLE experiments (
  id           INTEGER PRIMARY KEY,
  namespace_id INTEGER NOT NULL REFERENCES namespaces(id),
  key          TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL CHECK (type IN ('ab', 'multivariate', 'holdout', 'rollout')),
  owner_team   TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  traffic      TEXT NOT NULL CHECK (json_valid(traffic)),
  plan         TEXT CHECK (plan IS NULL OR json_valid(plan)),
  slot_start   INTEGER,
  slot_end     INTEGER,
  status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'stopped', 'archived')),
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  started_at   TEXT,
  stopped_at   TEXT,
  archived_at  TEXT,
  CHECK ((slot_start IS NULL) = (slot_end IS NULL)),
  CHECK (slot_start IS NULL OR (slot_start >= 0 AND slot_start <= slot_end)),
  CHECK (status = 'draft' OR status = 'archived' OR slot_start IS NOT NULL)
);
CREATE INDEX experiments_by_namespace ON experiments (namespace_id, status);

-- Defence in depth behind the allocator: no two experiments that hold slots may overlap.
CREATE TRIGGER experiments_no_overlap_insert BEFORE INSERT ON experiments
WHEN NEW.slot_start IS NOT NULL AND NEW.status <> 'archived'
BEGIN
  SELECT RAISE(ABORT, 'slot ranges overlap')
  WHERE EXISTS (SELECT 1 FROM experiments e
                WHERE e.namespace_id = NEW.namespace_id AND e.status <> 'archived'
                  AND e.slot_start IS NOT NULL
                  AND e.slot_start <= NEW.slot_end AND NEW.slot_start <= e.slot_end);
END;
CREATE TRIGGER experiments_no_overlap_update BEFORE UPDATE ON experiments
WHEN NEW.slot_start IS NOT NULL AND NEW.status <> 'archived'
BEGIN
  SELECT RAISE(ABORT, 'slot ranges overlap')
  WHERE EXISTS (SELECT 1 FROM experiments e
                WHERE e.id <> NEW.id AND e.namespace_id = NEW.namespace_id AND e.status <> 'archived'
                  AND e.slot_start IS NOT NULL
                  AND e.slot_start <= NEW.slot_end AND NEW.slot_start <= e.slot_end);
END;

CREATE TABLE variants (
  id             INTEGER PRIMARY KEY,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  position       INTEGER NOT NULL,
  key            TEXT NOT NULL,
  allocation     REAL NOT NULL,
  allocation_bps INTEGER NOT NULL CHECK (allocation_bps BETWEEN 1 AND 10000),
  config         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
  UNIQUE (experiment_id, key),
  UNIQUE (experiment_id, position)
);

CREATE TABLE experiment_metrics (
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  metric_id      INTEGER NOT NULL REFERENCES metrics(id),
  position       INTEGER NOT NULL,
  role           TEXT NOT NULL CHECK (role IN ('primary', 'guardrail', 'informational')),
  direction      TEXT CHECK (direction IS NULL OR direction IN ('increase', 'decrease')),
  threshold      REAL CHECK (threshold IS NULL OR threshold >= 0),
  threshold_type TEXT NOT NULL DEFAULT 'relative' CHECK (threshold_type IN ('relative', 'absolute')),
  PRIMARY KEY (experiment_id, metric_id)
);

CREATE TABLE global_holdout (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  key         TEXT NOT NULL,
  percent_bps INTEGER NOT NULL CHECK (percent_bps BETWEEN 0 AND 9999),
  description TEXT NOT NULL DEFAULT '',
  updated_at  TEXT NOT NULL
);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  entity_kind TEXT NOT NULL,
  entity_key  TEXT NOT NULL,
  details     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
);
CREATE INDEX audit_log_by_entity ON audit_log (entity_key, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// Version 2: published config bundles (docs/bundle-format.md). Rows are immutable: a bundle
// version, once published, always means the same bytes.
constexpr std::string_view k_v2 = R"sql(
CREATE TABLE bundles (
  version      INTEGER PRIMARY KEY CHECK (version >= 1),
  content_hash TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  document     TEXT NOT NULL CHECK (json_valid(document))
);
CREATE TRIGGER bundles_no_update BEFORE UPDATE ON bundles
BEGIN SELECT RAISE(ABORT, 'published bundles are immutable'); END;
CREATE TRIGGER bundles_no_delete BEFORE DELETE ON bundles
BEGIN SELECT RAISE(ABORT, 'published bundles are immutable'); END;
)sql";

// Version 3: the file says it is an expt registry (SQLite's application_id, 'EXPT'), so expt
// never takes a foreign database whose user_version happens to match for one of its own.
constexpr std::string_view k_v3 = R"sql(
PRAGMA application_id = 1163415636;
)sql";

// Version 4: per-experiment analysis settings (the spec's `analysis:`) and CUPED on a binding.
constexpr std::string_view k_v4 = R"sql(
ALTER TABLE experiments ADD COLUMN analysis TEXT CHECK (analysis IS NULL OR json_valid(analysis));
ALTER TABLE experiment_metrics ADD COLUMN cuped INTEGER NOT NULL DEFAULT 0 CHECK (cuped IN (0, 1));
)sql";

// Version 5: recorded analyses (`expt analyze --record`), append-only like the audit log.
constexpr std::string_view k_v5 = R"sql(
CREATE TABLE analyses (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
  recorded_at    TEXT NOT NULL,
  actor          TEXT NOT NULL,
  data_from      TEXT,
  data_to        TEXT,
  bundle_version INTEGER,
  inputs         TEXT NOT NULL CHECK (json_valid(inputs)),
  summary        TEXT NOT NULL CHECK (json_valid(summary))
);
CREATE INDEX analyses_by_experiment ON analyses (experiment_id, id);
CREATE TRIGGER analyses_no_update BEFORE UPDATE ON analyses
BEGIN SELECT RAISE(ABORT, 'recorded analyses are immutable'); END;
CREATE TRIGGER analyses_no_delete BEFORE DELETE ON analyses
BEGIN SELECT RAISE(ABORT, 'recorded analyses are immutable'); END;
)sql";

// Version 6: reviews before launch (`expt review`) and the policies that require them.
constexpr std::string_view k_v6 = R"sql(
CREATE TABLE reviews (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id),
  kind          TEXT NOT NULL CHECK (kind IN ('request', 'approve', 'reject')),
  actor         TEXT NOT NULL,
  team          TEXT NOT NULL DEFAULT '',
  at            TEXT NOT NULL,
  spec_hash     TEXT NOT NULL,
  note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reviews_by_experiment ON reviews (experiment_id, id);
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TABLE review_policies (
  scope              TEXT PRIMARY KEY,
  approvals          INTEGER NOT NULL CHECK (approvals BETWEEN 0 AND 10),
  teams              TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(teams)),
  guardrail_required INTEGER NOT NULL DEFAULT 0 CHECK (guardrail_required IN (0, 1))
);
)sql";

// Version 7: whether a review policy takes EXPT_ACTOR's word for who reviews, and the monitor's
// notification outbox (written with the stops it announces, sent at least once).
constexpr std::string_view k_v7 = R"sql(
ALTER TABLE review_policies ADD COLUMN actor_from_environment INTEGER NOT NULL DEFAULT 0
  CHECK (actor_from_environment IN (0, 1));
CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL,
  experiment TEXT NOT NULL,
  payload    TEXT NOT NULL CHECK (json_valid(payload)),
  sent_at    TEXT
);
CREATE INDEX notifications_unsent ON notifications (id) WHERE sent_at IS NULL;
)sql";

// Version 8: the registry's lineage, a random id its bundles carry (docs/bundle-format.md).
constexpr std::string_view k_v8 = R"sql(
INSERT INTO settings (key, value) VALUES ('lineage', lower(hex(randomblob(16))));
)sql";

constexpr std::array<std::string_view, 8> k_migrations{k_v1, k_v2, k_v3, k_v4, k_v5, k_v6, k_v7, k_v8};

}  // namespace

std::span<const std::string_view> registry_migrations() { return k_migrations; }

}  // namespace expt
