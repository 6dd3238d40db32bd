-- yoq schema, version 19: secrets on a cluster (docs/security.md). A cluster's servers share one Tink keyset for
-- secrets, replicated here encrypted (Tink's encrypted keyset, XChaCha20-Poly1305) under a key every server derives
-- from the join token and the servers' API token, which agents never hold. A single node keeps its secrets.key file
-- and never writes this table. primary_key_id: the keyset's primary key, what a rotation must find to replace it.
CREATE TABLE secret_keysets (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    keyset          BLOB NOT NULL,
    primary_key_id  INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- From this version on cluster_ca (V018) is replicated too: sealed by this keyset, one service CA serves every server.
