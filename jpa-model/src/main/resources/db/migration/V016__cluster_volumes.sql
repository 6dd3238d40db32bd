-- yoq schema, version 16: local volumes on a cluster. A local volume is a directory on one agent's node, so the
-- agent that first runs work mounting it keeps it: later work of the app mounting it is placed there only (spec
-- §5.3: "volume node constraints"). Kept when the app goes down and when the agent is forgotten (the data is still
-- on the node); node_key is the node's WireGuard key, by which a node that registers again under a new agent id
-- gets its volumes back. Replicated.
CREATE TABLE cluster_volumes (
    app_name   TEXT NOT NULL,
    name       TEXT NOT NULL,
    agent_id   TEXT NOT NULL,
    node_key   TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_name, name)
);
