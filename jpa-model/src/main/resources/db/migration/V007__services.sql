-- yoq schema, version 7: services. A service (an app's [service.*]) owns a VIP from the VIP range (lowest free,
-- stable across releases, released with the service) and its published ports (port_mappings rows whose
-- container_id is 'service:<name>'), so its replicas share one host port. Its endpoints are its replicas'
-- containers: a row is made with the container and removed with it, so a crash between the two leaves neither
-- an endpoint without a container nor the reverse. admin_state: active (takes new flows when running and
-- healthy), standby (a blue/green set before its switch), draining (keeps its flows, takes no new ones).
CREATE TABLE services (
    service_name     TEXT PRIMARY KEY,
    app_name         TEXT NOT NULL,
    workload_name    TEXT NOT NULL,
    vip_address      TEXT NOT NULL UNIQUE,
    lb_policy        TEXT NOT NULL DEFAULT 'consistent_hash',
    ports_json       TEXT NOT NULL DEFAULT '[]',
    desired_replicas INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX services_app_workload ON services (app_name, workload_name);
CREATE TABLE service_endpoints (
    service_name  TEXT NOT NULL,
    endpoint_id   TEXT NOT NULL,
    container_id  TEXT NOT NULL,
    ip_address    TEXT NOT NULL,
    port          INTEGER NOT NULL DEFAULT 0,
    weight        INTEGER NOT NULL DEFAULT 1,
    admin_state   TEXT NOT NULL DEFAULT 'active' CHECK (admin_state IN ('active', 'standby', 'draining')),
    generation    INTEGER NOT NULL DEFAULT 0,
    registered_at INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    PRIMARY KEY (service_name, endpoint_id)
);
CREATE INDEX service_endpoints_state ON service_endpoints (service_name, admin_state);
CREATE INDEX service_endpoints_container ON service_endpoints (container_id);
