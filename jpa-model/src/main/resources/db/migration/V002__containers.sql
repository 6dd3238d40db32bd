-- yoq schema, version 2: what the container runtime records beyond spec §4.2's columns.
-- status: created | running | stopped (by a user) | exited (ended by itself, code 0) | failed (non-zero, OOM,
-- or could not start). desired_state says whether the restart policy may bring it back.
ALTER TABLE containers ADD COLUMN name TEXT;
ALTER TABLE containers ADD COLUMN image TEXT;
ALTER TABLE containers ADD COLUMN spec_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE containers ADD COLUMN restart_policy TEXT NOT NULL DEFAULT 'no';
ALTER TABLE containers ADD COLUMN restart_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE containers ADD COLUMN desired_state TEXT NOT NULL DEFAULT 'running';
ALTER TABLE containers ADD COLUMN exit_signal INTEGER;
ALTER TABLE containers ADD COLUMN oom_killed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE containers ADD COLUMN status_reason TEXT;
ALTER TABLE containers ADD COLUMN started_at INTEGER;
ALTER TABLE containers ADD COLUMN finished_at INTEGER;
CREATE UNIQUE INDEX containers_name ON containers (name) WHERE name IS NOT NULL;
CREATE INDEX containers_hostname ON containers (hostname);
