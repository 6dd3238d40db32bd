-- The replicated command log's bookkeeping, written in the same transaction as each applied command, so that a
-- restarted server neither applies an entry twice nor loses one (dev.yoq.cluster.raft).
CREATE TABLE raft_applied (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    term INTEGER NOT NULL,
    log_index INTEGER NOT NULL
);

-- Each applied command's id and outcome: a submit retried after a leader change is answered from here instead of
-- being applied again. Pruned to the most recent entries.
CREATE TABLE raft_commands (
    command_id TEXT PRIMARY KEY,
    log_index INTEGER NOT NULL,
    outcome_json TEXT NOT NULL
);
CREATE INDEX raft_commands_by_index ON raft_commands (log_index);
