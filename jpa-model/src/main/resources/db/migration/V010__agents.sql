-- yoq schema, version 10: the cluster's agents, their placed work and the WireGuard mesh (spec §4.2, §5.3, §5.5).
-- Replicated: written only by commands through the Raft log (dev.yoq.cluster.Replication).
CREATE TABLE agents (
    id              TEXT PRIMARY KEY,                -- 12 hex
    address         TEXT NOT NULL,
    agent_api_port  INTEGER,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'draining', 'offline')),
    cpu_cores       INTEGER NOT NULL,
    memory_mb       INTEGER NOT NULL,
    cpu_used        INTEGER NOT NULL DEFAULT 0,      -- millicores
    memory_used_mb  INTEGER NOT NULL DEFAULT 0,
    containers      INTEGER NOT NULL DEFAULT 0,
    last_heartbeat  INTEGER NOT NULL,
    registered_at   INTEGER NOT NULL,
    offline_since   INTEGER,
    node_id         INTEGER UNIQUE,
    wg_public_key   TEXT,
    overlay_ip      TEXT,
    role            TEXT NOT NULL DEFAULT 'both' CHECK (role IN ('both', 'server', 'agent')),
    region          TEXT,
    labels          TEXT NOT NULL DEFAULT '',
    gpu_count       INTEGER NOT NULL DEFAULT 0,
    gpu_used        INTEGER NOT NULL DEFAULT 0,
    gpu_model       TEXT,
    gpu_vram_mb     INTEGER NOT NULL DEFAULT 0,
    rdma_capable    INTEGER NOT NULL DEFAULT 0,
    gpu_health      TEXT NOT NULL DEFAULT 'healthy'
);
CREATE INDEX agents_by_status ON agents (status);

CREATE TABLE assignments (
    id               TEXT PRIMARY KEY,
    agent_id         TEXT NOT NULL DEFAULT '',       -- '' when orphaned (pending, to be placed again)
    image            TEXT NOT NULL,
    command          TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'stopped', 'failed')),
    status_reason    TEXT,
    cpu_limit        INTEGER NOT NULL DEFAULT 1000,
    memory_limit_mb  INTEGER NOT NULL DEFAULT 256,
    app_name         TEXT,
    workload_kind    TEXT,
    workload_name    TEXT,
    created_at       INTEGER NOT NULL
);
CREATE INDEX assignments_by_agent ON assignments (agent_id, status);

CREATE TABLE wireguard_peers (
    node_id          INTEGER PRIMARY KEY,
    agent_id         TEXT NOT NULL,
    public_key       TEXT NOT NULL,
    endpoint         TEXT NOT NULL,
    overlay_ip       TEXT NOT NULL,
    container_subnet TEXT NOT NULL
);
