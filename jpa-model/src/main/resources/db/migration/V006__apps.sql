-- yoq schema, version 6: apps. Releases live in the original's `deployments` table (spec §4.2), now with the
-- rollout's progress (targets, checkpoint, control state) so an interrupted rollout resumes where it stopped.
ALTER TABLE deployments ADD COLUMN resumed_from_release_id TEXT;
ALTER TABLE deployments ADD COLUMN superseded_by_release_id TEXT;
ALTER TABLE deployments ADD COLUMN completed_targets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deployments ADD COLUMN failed_targets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deployments ADD COLUMN failure_details_json TEXT;
ALTER TABLE deployments ADD COLUMN rollout_targets_json TEXT;
ALTER TABLE deployments ADD COLUMN rollout_checkpoint_json TEXT;
ALTER TABLE deployments ADD COLUMN rollout_control_state TEXT NOT NULL DEFAULT 'active';
ALTER TABLE deployments ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX deployments_app_created ON deployments (app_name, created_at DESC, seq DESC);

-- Which app workload a container runs, from which release, with which effective config (its hash decides
-- whether a new release must replace it).
ALTER TABLE containers ADD COLUMN workload_kind TEXT;
ALTER TABLE containers ADD COLUMN workload_name TEXT;
ALTER TABLE containers ADD COLUMN release_id TEXT;
ALTER TABLE containers ADD COLUMN config_hash TEXT;

-- One-shot runs of workers and crons: what ran, how it ended, and cron runs skipped because the last still ran.
CREATE TABLE workload_runs (
    id            TEXT PRIMARY KEY,
    app_name      TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('worker', 'cron')),
    name          TEXT NOT NULL,
    release_id    TEXT,
    container_id  TEXT,
    outcome       TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'skipped')),
    exit_code     INTEGER,
    message       TEXT,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER
);
CREATE INDEX workload_runs_app ON workload_runs (app_name, kind, name, started_at DESC);

-- Named volumes (spec §4.2 volumes): local ones live under <data>/volumes/<app>/<name>.
CREATE TABLE volumes (
    name        TEXT NOT NULL,
    app_name    TEXT NOT NULL,
    driver      TEXT NOT NULL DEFAULT 'local',
    path        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'created',
    node_id     TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (name, app_name)
);

-- Apps taken down with `yoq down`: their cron schedules stay off across server restarts until the next apply.
CREATE TABLE apps_down (
    app_name  TEXT PRIMARY KEY,
    down_at   INTEGER NOT NULL
);
