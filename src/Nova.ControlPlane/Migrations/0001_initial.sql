-- The control plane's store: metadata only (see docs/control-plane-manifest.md).
CREATE TABLE regions (
    name        TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    lifecycle   TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE tenants (
    id              TEXT PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    plan            TEXT NOT NULL,
    allowed_regions TEXT NOT NULL, -- JSON array of region names
    model           TEXT NOT NULL,
    replication     INTEGER NOT NULL,
    region_owners   TEXT NOT NULL, -- JSON object: region -> {team, contact}
    created_at      TEXT NOT NULL
);

CREATE TABLE services (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT NOT NULL REFERENCES tenants(id),
    slug                TEXT NOT NULL,
    name                TEXT NOT NULL,
    home_region         TEXT NOT NULL,
    stale_after_minutes INTEGER NULL,
    created_at          TEXT NOT NULL,
    UNIQUE (tenant_id, slug)
);

CREATE TABLE integrations (
    id          TEXT PRIMARY KEY,
    service_id  TEXT NOT NULL REFERENCES services(id),
    key_hash    TEXT NOT NULL UNIQUE,
    key_hint    TEXT NOT NULL, -- first 4 characters, so a person can tell keys apart
    disabled    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NULL REFERENCES tenants(id), -- NULL: an operator key
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT NULL
);

-- The change feed: the whole new state of one entity per row; revision is monotonic
-- because SQLite has one writer and rowids only grow (AUTOINCREMENT never reuses).
CREATE TABLE changes (
    revision    INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    doc         TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

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
