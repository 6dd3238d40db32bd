-- yoq schema, version 16: local volumes on a cluster. A local volume is a directory on one agent's node, so the
-- agent that first runs work mounting it keeps it: later work of the app mounting it is placed there only (spec
-- §5.3: "volume node constraints"). Kept when the app goes down (the data is still there); gone when the agent is
-- forgotten. Replicated.
CREATE TABLE cluster_volumes (
    app_name   TEXT NOT NULL,
    name       TEXT NOT NULL,
    agent_id   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_name, name)
);
