-- yoq schema, version 4: container networking. A lease lives exactly as long as its container row: it is taken
-- by the command that creates the container and dropped by the one that removes it, so a crash between the two
-- can neither leak nor double an address. Published ports likewise; (protocol, host_port) is unique per node.
CREATE TABLE ip_allocations (
    container_id TEXT PRIMARY KEY,
    ip_address   TEXT NOT NULL UNIQUE,
    allocated_at INTEGER NOT NULL
);
CREATE TABLE port_mappings (
    protocol       TEXT NOT NULL,
    host_port      INTEGER NOT NULL,
    container_id   TEXT NOT NULL,
    container_port INTEGER NOT NULL,
    PRIMARY KEY (protocol, host_port)
);
CREATE INDEX port_mappings_container ON port_mappings (container_id);
