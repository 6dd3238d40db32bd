-- yoq schema, version 11: an app's replicas placed on agents (spec §5.3): which release an assignment belongs to,
-- and which drained agent's assignment it takes over (the old one is removed once this one runs).
-- Replicated, like the rest of assignments.
ALTER TABLE assignments ADD COLUMN release_id TEXT;
ALTER TABLE assignments ADD COLUMN replaces TEXT;
CREATE INDEX assignments_by_release ON assignments (release_id);
