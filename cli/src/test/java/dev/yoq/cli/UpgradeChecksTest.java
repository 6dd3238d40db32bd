package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class UpgradeChecksTest {
    static JsonNode json(String s) throws Exception { return ApiClient.JSON.readTree(s); }

    @Test
    void three_healthy_servers_on_one_version_pass() throws Exception {
        JsonNode peers = json("[{\"id\":1,\"software_version\":\"0.3.0\",\"unix_ms\":1000,\"reachable\":1},"
                + "{\"id\":2,\"software_version\":\"0.3.0\",\"unix_ms\":1120,\"reachable\":1},"
                + "{\"id\":3,\"software_version\":\"0.3.0\",\"unix_ms\":990,\"reachable\":1}]");
        assertThat(UpgradeChecks.of(peers, json("[{\"name\":\"vip_backends\",\"used\":10,\"max\":1000}]")))
                .extracting(DoctorChecks.Check::status).containsOnly("pass");
    }

    @Test
    void a_silent_server_fails_mixed_versions_and_drifting_clocks_are_named() throws Exception {
        JsonNode peers = json("[{\"id\":1,\"software_version\":\"0.3.0\",\"unix_ms\":10000,\"reachable\":1},"
                + "{\"id\":2,\"software_version\":\"0.4.0\",\"unix_ms\":13000,\"reachable\":1},{\"id\":3,\"reachable\":0}]");
        assertThat(UpgradeChecks.reachable(peers).status()).isEqualTo("fail");
        assertThat(UpgradeChecks.reachable(peers).message()).contains("server(s) 3 do not answer");
        assertThat(UpgradeChecks.versionSkew(peers).message()).contains("0.3.0 and 0.4.0");
        DoctorChecks.Check clock = UpgradeChecks.clockSkew(peers);
        assertThat(clock.status()).isEqualTo("fail");
        assertThat(clock.message()).contains("3000 ms (server 2)");
        assertThat(UpgradeChecks.bpfHeadroom(json("[{\"name\":\"conntrack\",\"used\":900,\"max\":1000}]")).status()).isEqualTo("warn");
    }

    @Test
    void a_single_node_is_told_so() throws Exception {
        assertThat(UpgradeChecks.of(json("[]"), json("[]")).get(0).message()).contains("not a cluster server");
    }
}
