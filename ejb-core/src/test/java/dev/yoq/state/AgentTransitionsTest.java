package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTransitionsTest {
    static final String KEY = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    @TempDir Path dir;
    SqliteFixture db;
    final StateMachine machine = new StateMachine();

    @BeforeEach
    void open() throws Exception { db = new SqliteFixture(dir); }

    @AfterEach
    void close() { db.close(); }

    <R> R apply(Command<R> c) { return db.inNewTransaction(em -> machine.apply(c, em)); }

    /** {@code KEY} stands for "a key of its own" (distinct machines have distinct keys); other keys are used as given. */
    static Command.RegisterAgent agent(String id, String address, String key) {
        String own = KEY.equals(key) ? keyOf(id) : key;
        return new Command.RegisterAgent(id, address, 7701, 4, 8192, own, 51820, "both", null, "zone=a", 0, 0, null, 1_000, "ab".repeat(32));
    }

    static String keyOf(String id) {
        byte[] raw = new byte[32];
        byte[] seed = id.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(seed, 0, raw, 0, Math.min(seed.length, 32));
        return java.util.Base64.getEncoder().encodeToString(raw);
    }

    @Test
    void a_node_registering_again_with_its_key_keeps_its_node_id_and_subnet() throws Exception {
        apply(agent("aaaaaaaaaaaa", "10.0.0.5", KEY));
        apply(agent("bbbbbbbbbbbb", "10.0.0.6", KEY));
        // b's servers forgot its token (or it lost it): it registers again as a new agent, with the same key
        assertThat(apply(agent("cccccccccccc", "10.0.0.6", keyOf("bbbbbbbbbbbb"))))
                .isEqualTo(new Command.AgentRegistered("cccccccccccc", 2, "10.40.0.2"));
        assertThat(db.count("SELECT count(*) FROM wireguard_peers")).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM agents WHERE id = 'bbbbbbbbbbbb' AND node_id IS NULL")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM wireguard_peers WHERE agent_id = 'cccccccccccc' AND node_id = 2 "
                + "AND container_subnet = '10.42.2.0/24'")).isEqualTo(1);
        // a new key still gets the lowest free id
        assertThat(apply(agent("dddddddddddd", "10.0.0.7", KEY))).isEqualTo(new Command.AgentRegistered("dddddddddddd", 3, "10.40.0.3"));
    }

    static Command.Heartbeat beat(String id, long at) {
        return new Command.Heartbeat(id, 4, 8192, 1500, 2048, 3, 0, 0, "healthy", at);
    }

    @Test
    void registering_gives_the_lowest_free_node_id_its_overlay_address_subnet_and_peer_row() throws Exception {
        assertThat(apply(agent("aaaaaaaaaaaa", "10.0.0.5", KEY))).isEqualTo(new Command.AgentRegistered("aaaaaaaaaaaa", 1, "10.40.0.1"));
        assertThat(apply(agent("bbbbbbbbbbbb", "10.0.0.6", KEY))).isEqualTo(new Command.AgentRegistered("bbbbbbbbbbbb", 2, "10.40.0.2"));
        assertThat(apply(agent("cccccccccccc", "10.0.0.7", null))).isEqualTo(new Command.AgentRegistered("cccccccccccc", null, null));
        assertThat(db.count("SELECT count(*) FROM wireguard_peers WHERE node_id = 2 AND endpoint = '10.0.0.6:51820' "
                + "AND container_subnet = '10.42.2.0/24' AND overlay_ip = '10.40.0.2'")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM audit_log WHERE action = 'agent_register'")).isEqualTo(3);
        assertThatThrownBy(() -> apply(agent("aaaaaaaaaaaa", "10.0.0.9", KEY))).isInstanceOf(CommandRejectedException.class)
                .hasMessageContaining("taken");
    }

    @Test
    void a_silent_agent_goes_offline_its_work_becomes_pending_elsewhere_and_a_heartbeat_brings_it_back() throws Exception {
        apply(agent("aaaaaaaaaaaa", "10.0.0.5", KEY));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO assignments (id, agent_id, image, status, created_at) VALUES ('w1', 'aaaaaaaaaaaa', 'img', 'running', 1)");
            s.executeUpdate("INSERT INTO assignments (id, agent_id, image, status, created_at) VALUES ('w2', 'aaaaaaaaaaaa', 'img', 'stopped', 1)");
        }
        assertThat(apply(new Command.MarkAgentsOffline(List.of("aaaaaaaaaaaa"), 10_000, 40_000))).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM agents WHERE status = 'offline' AND offline_since = 40000")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w1' AND agent_id = '' AND status = 'pending'")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w2' AND agent_id = 'aaaaaaaaaaaa'")).isEqualTo(1);

        assertThat(apply(new Command.RecordHeartbeats(List.of(beat("aaaaaaaaaaaa", 50_000), beat("ffffffffffff", 50_000))))).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM agents WHERE status = 'active' AND offline_since IS NULL AND cpu_used = 1500 "
                + "AND containers = 3 AND last_heartbeat = 50000")).isEqualTo(1);
        // an older heartbeat arriving late does not move the clock back
        apply(new Command.RecordHeartbeats(List.of(beat("aaaaaaaaaaaa", 45_000))));
        assertThat(db.count("SELECT last_heartbeat FROM agents")).isEqualTo(50_000);
    }

    @Test
    void draining_is_sticky_offline_rule_and_heartbeats_leave_it_and_forgetting_takes_only_offline_agents() throws Exception {
        apply(agent("aaaaaaaaaaaa", "10.0.0.5", KEY));
        apply(agent("bbbbbbbbbbbb", "10.0.0.6", KEY));
        assertThat(apply(new Command.DrainAgent("aaaaaaaaaaaa", "api-token", 2_000))).isEqualTo("draining");
        assertThat(apply(new Command.MarkAgentsOffline(List.of("aaaaaaaaaaaa"), 10_000, 40_000))).isZero();
        apply(new Command.RecordHeartbeats(List.of(beat("aaaaaaaaaaaa", 50_000))));
        assertThat(db.count("SELECT count(*) FROM agents WHERE id = 'aaaaaaaaaaaa' AND status = 'draining'")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM audit_log WHERE action = 'agent_drain' AND actor = 'api-token'")).isEqualTo(1);
        assertThatThrownBy(() -> apply(new Command.DrainAgent("ffffffffffff", "api-token", 1))).isInstanceOf(CommandRejectedException.class);

        apply(new Command.MarkAgentsOffline(List.of("bbbbbbbbbbbb"), 10_000, 40_000));
        for (String holder : List.of("aaaaaaaaaaaa", "bbbbbbbbbbbb")) {   // each holds a local volume
            db.inNewTransaction(em -> em.createNativeQuery("INSERT INTO cluster_volumes VALUES ('shop', ?1, ?1, ?2, 1)").setParameter(1, holder)
                    .setParameter(2, keyOf(holder)).executeUpdate());
        }
        assertThat(apply(new Command.ForgetAgents(List.of("aaaaaaaaaaaa", "bbbbbbbbbbbb"), 50_000))).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM agents")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM wireguard_peers")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM cluster_volumes")).as("a forgotten node keeps its volumes: it comes back with its id")
                .isEqualTo(2);
        // its node id is free again for the next registrant
        assertThat(apply(agent("cccccccccccc", "10.0.0.7", KEY)).nodeId()).isEqualTo(2);
        // the forgotten node comes back under a new agent id with its WireGuard key: its volume is its own again; a
        // registration naming the key of a node still active (a's, draining) draws nothing away
        apply(agent("dddddddddddd", "10.0.0.6", keyOf("bbbbbbbbbbbb")));
        assertThat(db.count("SELECT count(*) FROM cluster_volumes WHERE name = 'bbbbbbbbbbbb' AND agent_id = 'dddddddddddd'")).isEqualTo(1);
        apply(agent("eeeeeeeeeeee", "10.0.0.9", keyOf("aaaaaaaaaaaa")));
        assertThat(db.count("SELECT count(*) FROM cluster_volumes WHERE name = 'aaaaaaaaaaaa' AND agent_id = 'aaaaaaaaaaaa'")).isEqualTo(1);
    }

    @Test
    void an_agent_that_spoke_after_the_leader_looked_is_not_marked_offline_nor_one_recently_offline_forgotten() throws Exception {
        apply(agent("aaaaaaaaaaaa", "10.0.0.5", KEY));
        apply(new Command.RecordHeartbeats(List.of(beat("aaaaaaaaaaaa", 35_000))));
        // the leader decided at 40 s with an older view (silent since 1 s); the heartbeat at 35 s was written meanwhile
        assertThat(apply(new Command.MarkAgentsOffline(List.of("aaaaaaaaaaaa"), 10_000, 40_000))).isZero();
        assertThat(apply(new Command.MarkAgentsOffline(List.of("aaaaaaaaaaaa"), 36_000, 66_000))).isEqualTo(1);
        assertThat(apply(new Command.ForgetAgents(List.of("aaaaaaaaaaaa"), 60_000))).isZero();   // offline since 66 s
        assertThat(apply(new Command.ForgetAgents(List.of("aaaaaaaaaaaa"), 70_000))).isEqualTo(1);
    }
}
