-- The open incident of an Alertmanager group is kept in memory by the writer (OpenGroups):
-- the index on (service_id, group_index) took an entry at a random place per new incident.
-- The writer loads the open incidents from this index at its first write; new entries go at
-- its end (created_at grows), and an entry leaves when its incident resolves.
DROP INDEX incidents_open_group;
CREATE INDEX incidents_open ON incidents (created_at) WHERE status <> 'resolved';
