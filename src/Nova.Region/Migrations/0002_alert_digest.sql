-- A keyed hash of what a PagerDuty sender said of an open alert (summary, severity,
-- details), so a re-trigger that changes any of it is recorded and an identical one is not.
ALTER TABLE alerts ADD COLUMN digest TEXT NULL;
