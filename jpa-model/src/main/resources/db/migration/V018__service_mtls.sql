-- yoq schema, version 18: service mTLS (spec §5.6). The CA (ECDSA P-256, 10 years) is made once; its private key is
-- only ever stored sealed by the node's secrets.key (XChaCha20-Poly1305: nonce, ciphertext, tag apart, key_id the
-- keyset key). Each service's leaf (SPIFFE URI, 24 h) likewise. Node-local, as the secrets key is (docs/security.md).
CREATE TABLE cluster_ca (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    cert_pem       TEXT NOT NULL,
    encrypted_key  BLOB NOT NULL,
    key_nonce      BLOB NOT NULL,
    key_tag        BLOB NOT NULL,
    key_id         INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    not_after      INTEGER NOT NULL
);

CREATE TABLE service_certs (
    service        TEXT PRIMARY KEY,
    cert_pem       TEXT NOT NULL,
    encrypted_key  BLOB NOT NULL,
    key_nonce      BLOB NOT NULL,
    key_tag        BLOB NOT NULL,
    key_id         INTEGER NOT NULL,
    not_after      INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);

-- a service's mTLS posture from its release's tls.peer: off, warn or require
ALTER TABLE services ADD COLUMN tls_peer TEXT NOT NULL DEFAULT 'off';
