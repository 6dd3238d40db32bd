-- yoq schema, version 1: node identity, audit trail, and the tables that the status counts read.
-- Times are epoch milliseconds. Later features extend these tables with new migrations, never by editing this file.

CREATE TABLE nodes (
    id               TEXT PRIMARY KEY,
    role             TEXT NOT NULL,
    hostname         TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    last_started_at  INTEGER NOT NULL,
    last_version     TEXT NOT NULL,
    start_count      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    recorded_at  INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT,
    outcome      TEXT NOT NULL DEFAULT 'ok'
);
CREATE INDEX audit_log_recorded_at ON audit_log (recorded_at DESC);

-- spec §4.2 containers / images / deployments (app releases): the runtime, images and apps issues fill them.
CREATE TABLE containers (
    id          TEXT PRIMARY KEY,
    rootfs      TEXT NOT NULL,
    command     TEXT NOT NULL,
    hostname    TEXT NOT NULL DEFAULT 'container',
    status      TEXT NOT NULL DEFAULT 'created',
    pid         INTEGER,
    exit_code   INTEGER,
    ip_address  TEXT,
    veth_host   TEXT,
    app_name    TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX containers_app_name ON containers (app_name);
CREATE INDEX containers_status ON containers (status);

CREATE TABLE images (
    id               TEXT PRIMARY KEY,
    repository       TEXT NOT NULL,
    tag              TEXT NOT NULL DEFAULT 'latest',
    manifest_digest  TEXT NOT NULL,
    config_digest    TEXT NOT NULL,
    total_size       INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);

CREATE TABLE deployments (
    id                  TEXT PRIMARY KEY,
    app_name            TEXT,
    service_name        TEXT NOT NULL,
    trigger             TEXT NOT NULL DEFAULT 'apply',
    source_release_id   TEXT,
    manifest_hash       TEXT NOT NULL,
    config_snapshot     TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending',
    message             TEXT,
    created_at          INTEGER NOT NULL
);
CREATE INDEX deployments_service_created ON deployments (service_name, created_at DESC);
