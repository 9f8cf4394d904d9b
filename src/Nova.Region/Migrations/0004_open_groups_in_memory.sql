-- The open incident of an Alertmanager group is kept in memory by the writer (OpenGroups):
-- the index on (service_id, group_index) took an entry at a random place per new incident.
-- The writer loads the open incidents of groups from this index at its first write; new
-- entries go at its end (ids are time-ordered), and an entry leaves when its incident resolves.
DROP INDEX incidents_open_group;
CREATE INDEX incidents_open_groups ON incidents (id) WHERE status <> 'resolved' AND group_index IS NOT NULL;
