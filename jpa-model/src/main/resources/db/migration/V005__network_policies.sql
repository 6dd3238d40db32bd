-- yoq schema, version 5: network policy rules between names (spec §4.2 network_policies), one per pair.
CREATE TABLE network_policies (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    source_service TEXT NOT NULL,
    target_service TEXT NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('deny', 'allow')),
    created_at     INTEGER NOT NULL,
    UNIQUE (source_service, target_service)
);
