-- A region's store. Customer content (titles, notes, labels, annotations, summaries) is
-- only ever written sealed (AES-256-GCM, per-tenant data key); lookup keys that come from
-- customers (fingerprints, dedup keys, group keys) are blind indexes (keyed hashes).

-- What the region applied from the control plane's change feed.
CREATE TABLE config_cache (
    kind      TEXT NOT NULL,
    id        TEXT NOT NULL,
    revision  INTEGER NOT NULL,
    doc       TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE config_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Data keys per tenant, wrapped by the region's key-encryption key.
CREATE TABLE data_keys (
    tenant_id   TEXT PRIMARY KEY,
    kek_id      TEXT NOT NULL,
    wrapped     BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

-- The incident store: an append-only log; seq is the region-local order replication uses.
CREATE TABLE events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    tenant_id      TEXT NOT NULL,
    service_id     TEXT NOT NULL,
    incident_id    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    hlc            TEXT NOT NULL,
    origin_region  TEXT NOT NULL,
    actor          TEXT NULL,
    at             TEXT NOT NULL,
    body           BLOB NOT NULL
);
CREATE INDEX events_incident ON events (incident_id, seq);
CREATE INDEX events_service ON events (service_id, seq);

-- The projection, rebuilt from events by folding; written in the event's transaction.
CREATE TABLE incidents (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    service_id       TEXT NOT NULL,
    status           TEXT NOT NULL,
    severity         TEXT NOT NULL,
    title            BLOB NOT NULL,
    source           TEXT NOT NULL,
    alert_count      INTEGER NOT NULL,
    open_alerts      INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    group_index      TEXT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    acknowledged_at  TEXT NULL,
    resolved_at      TEXT NULL
);
CREATE INDEX incidents_tenant ON incidents (tenant_id, created_at DESC, id DESC);
CREATE INDEX incidents_open_group ON incidents (service_id, group_index) WHERE status <> 'resolved';

-- Alert identities for deduplication: one row per alert episode.
CREATE TABLE alerts (
    service_id    TEXT NOT NULL,
    alert_index   TEXT NOT NULL,
    episode       TEXT NOT NULL,
    incident_id   TEXT NOT NULL,
    alert_key     TEXT NOT NULL, -- opaque: blind index and episode
    status        TEXT NOT NULL,
    severity      TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    PRIMARY KEY (service_id, alert_index, episode)
);
CREATE INDEX alerts_open ON alerts (service_id, alert_index) WHERE status = 'firing';
CREATE INDEX alerts_incident ON alerts (incident_id);
CREATE INDEX alerts_stale ON alerts (service_id, last_seen_at) WHERE status = 'firing';

CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NULL,
    tenant_id   TEXT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    outcome     TEXT NOT NULL
);
CREATE INDEX audit_tenant ON audit (tenant_id, seq);
