-- Alert identities stored in their key's order (WITHOUT ROWID): a lookup by (service,
-- fingerprint) reads its episodes side by side, with their status, so the separate index of
-- firing alerts is no longer needed. An ingested alert now writes one leaf of this table
-- instead of a leaf of the table, one of its key and one of the firing index.
CREATE TABLE alerts_by_key (
    service_id    TEXT NOT NULL,
    alert_index   TEXT NOT NULL,
    episode       TEXT NOT NULL,
    incident_id   TEXT NOT NULL,
    alert_key     TEXT NOT NULL, -- opaque: blind index and episode
    status        TEXT NOT NULL,
    severity      TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    digest        TEXT NULL,
    PRIMARY KEY (service_id, alert_index, episode)
) WITHOUT ROWID;
INSERT INTO alerts_by_key (service_id, alert_index, episode, incident_id, alert_key, status, severity, last_seen_at, digest)
    SELECT service_id, alert_index, episode, incident_id, alert_key, status, severity, last_seen_at, digest FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_by_key RENAME TO alerts;
CREATE INDEX alerts_incident ON alerts (incident_id);
CREATE INDEX alerts_stale ON alerts (service_id, last_seen_at) WHERE status = 'firing';
