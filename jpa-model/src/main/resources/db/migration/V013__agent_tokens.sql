-- yoq schema, version 13: each agent's own token (spec §5.3 has only the shared join token). Registration gives the
-- agent a random token, shown once; only its SHA-256 is kept (and replicated), and the agent's routes
-- (heartbeat, assignments, status reports) take that token instead of the join token, so one agent's machine
-- cannot read or report on another's work. NULL: an agent registered before this version (the join token, as before).
ALTER TABLE agents ADD COLUMN token_hash TEXT;
