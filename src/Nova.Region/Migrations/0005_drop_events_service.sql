-- Nothing reads events by service (an incident's events are read by incident_id; replication
-- will read by seq), and the index took an entry per event in every write transaction.
DROP INDEX events_service;
