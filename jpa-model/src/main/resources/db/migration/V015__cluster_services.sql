-- yoq schema, version 15: services across nodes. A cluster service's VIP (taken when its first replica is placed,
-- highest free of 10.43.0.0/16 so it never meets a node's own services, which take the lowest; gone with its last
-- replica) and the address each replica runs at on its agent (reported with "running"). Both replicated.
CREATE TABLE cluster_services (
    name          TEXT PRIMARY KEY,
    app_name      TEXT NOT NULL,
    workload_name TEXT NOT NULL,
    vip_address   TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL
);
ALTER TABLE assignments ADD COLUMN ip_address TEXT;
