-- yoq schema, version 17: secrets (spec §4.2 secrets) and named scoped API tokens (spec §4.2 tokens).
-- A secret is only ever stored encrypted: XChaCha20-Poly1305 under the node's secrets.key (Tink keyset), its 24-byte
-- nonce, ciphertext and 16-byte tag in their own columns; key_id names the keyset key that sealed it, so a key
-- rotation can tell what it still has to re-encrypt. Both tables are replicated: their rows are written by commands.
CREATE TABLE secrets (
    name             TEXT PRIMARY KEY,
    encrypted_value  BLOB NOT NULL,
    nonce            BLOB NOT NULL,
    tag              BLOB NOT NULL,
    key_id           INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

-- A token's secret is shown once; only its SHA-256 (hex) is kept. scopes: comma-separated (spec §1.7).
CREATE TABLE tokens (
    name         TEXT PRIMARY KEY,
    secret_hash  TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER
);

CREATE INDEX audit_log_actor ON audit_log (actor, recorded_at DESC);
CREATE INDEX audit_log_action ON audit_log (action, recorded_at DESC);

-- This node's containers and the secrets they were given (names only): env = '' for a file under /run/secrets,
-- else the variable it fills. A secret's new value goes to every running container that has it as a file.
CREATE TABLE container_secrets (
    container_id  TEXT NOT NULL,
    name          TEXT NOT NULL,
    env           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (container_id, name, env)
);
CREATE INDEX container_secrets_name ON container_secrets (name);
