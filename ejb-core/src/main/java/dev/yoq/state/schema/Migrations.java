package dev.yoq.state.schema;

import java.util.List;

/** Every schema migration yoq knows, in order. Append new ones; never edit one that has shipped. */
public final class Migrations {

    private Migrations() {
    }

    public static List<Migration> all() {
        return List.of(
                Migration.fromResource(1, "foundation", "V001__foundation.sql"),
                Migration.fromResource(2, "containers", "V002__containers.sql"),
                Migration.fromResource(3, "images", "V003__images.sql"),
                Migration.fromResource(4, "network", "V004__network.sql"),
                Migration.fromResource(5, "network_policies", "V005__network_policies.sql"),
                Migration.fromResource(6, "apps", "V006__apps.sql"),
                Migration.fromResource(7, "services", "V007__services.sql"),
                Migration.fromResource(8, "edge", "V008__edge.sql"),
                Migration.fromResource(9, "raft", "V009__raft.sql"),
                Migration.fromResource(10, "agents", "V010__agents.sql"),
                Migration.fromResource(11, "cluster_work", "V011__cluster_work.sql"),
                Migration.fromResource(12, "assignment_details", "V012__assignment_details.sql"),
                Migration.fromResource(13, "agent_tokens", "V013__agent_tokens.sql"),
                Migration.fromResource(14, "assignment_finished_at", "V014__assignment_finished_at.sql"),
                Migration.fromResource(15, "cluster_services", "V015__cluster_services.sql"),
                Migration.fromResource(16, "cluster_volumes", "V016__cluster_volumes.sql"),
                Migration.fromResource(17, "secrets_tokens", "V017__secrets_tokens.sql"),
                Migration.fromResource(18, "service_mtls", "V018__service_mtls.sql"),
                Migration.fromResource(19, "secret_keysets", "V019__secret_keysets.sql"));
    }

    public static int latestVersion() {
        List<Migration> all = all();
        return all.get(all.size() - 1).version();
    }
}
