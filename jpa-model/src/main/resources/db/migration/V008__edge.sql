-- yoq schema, version 8: the L7 edge. A service carries the HTTP routes of its current release (the manifest's
-- http_proxy / http_routes as the snapshot writes them, a JSON array in definition order) and its TLS domain, so
-- the proxy's configuration is one read of this table; a release that changes routes changes them here when it
-- ensures the service. Certificates: PEM chain and key per domain (source manual or acme); the key is kept in
-- the database file inside the data directory, which the server keeps 0700 on every start, and no route ever
-- returns it.
ALTER TABLE services ADD COLUMN http_routes_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE services ADD COLUMN tls_domain TEXT;
CREATE TABLE certificates (
    domain      TEXT PRIMARY KEY,
    cert_pem    TEXT NOT NULL,
    key_pem     TEXT NOT NULL,
    not_after   INTEGER NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('manual', 'acme')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
-- ACME: a certificate obtained by ACME keeps the settings it was obtained with (email, directory, challenge, DNS
-- provider and hook, intervals; JSON) for its renewals, and goes with its certificate. The account key of each
-- email is kept (PEM, never returned): the CA knows the account by it.
CREATE TABLE certificate_acme_config (
    domain      TEXT PRIMARY KEY REFERENCES certificates(domain) ON DELETE CASCADE,
    config_json TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE TABLE acme_accounts (
    email         TEXT PRIMARY KEY,
    directory_url TEXT NOT NULL,
    key_pem       TEXT NOT NULL,
    account_url   TEXT,
    created_at    INTEGER NOT NULL
);
