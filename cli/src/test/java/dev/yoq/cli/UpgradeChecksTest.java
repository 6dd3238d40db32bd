package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpgradeChecksTest {
    static JsonNode json(String s) throws Exception { return ApiClient.JSON.readTree(s); }

    static List<JsonNode> list(String s) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        json(s).forEach(out::add);
        return out;
    }

    @Test
    void three_healthy_servers_on_one_version_pass() throws Exception {
        JsonNode peers = json("[{\"id\":1,\"software_version\":\"0.3.0\",\"unix_ms\":1000,\"reachable\":1},"
                + "{\"id\":2,\"software_version\":\"0.3.0\",\"unix_ms\":1900,\"reachable\":1},"
                + "{\"id\":3,\"software_version\":\"0.3.0\",\"unix_ms\":990,\"reachable\":1}]");
        assertThat(UpgradeChecks.of(peers, json("[{\"name\":\"vip_backends\",\"used\":10,\"max\":1000}]")))
                .extracting(DoctorChecks.Check::status).containsExactly("pass", "pass", "pass");
    }

    @Test
    void the_spec_thresholds_mismatch_fails_silence_warns_clocks_and_maps_by_degree() throws Exception {
        assertThat(UpgradeChecks.versionSkew(list("[{\"id\":1,\"software_version\":\"0.3.0\",\"reachable\":1},"
                + "{\"id\":2,\"software_version\":\"0.4.0\",\"reachable\":1}]")).status()).isEqualTo("fail");
        DoctorChecks.Check silent = UpgradeChecks.versionSkew(list("[{\"id\":1,\"software_version\":\"0.3.0\",\"reachable\":1},{\"id\":3,\"reachable\":0}]"));
        assertThat(silent.status()).isEqualTo("warn");
        assertThat(silent.message()).contains("server(s) 3 do not answer");
        assertThat(UpgradeChecks.clockSkew(list("[{\"id\":1,\"unix_ms\":10000,\"reachable\":1},{\"id\":2,\"unix_ms\":12000,\"reachable\":1}]")).status())
                .isEqualTo("warn");
        DoctorChecks.Check far = UpgradeChecks.clockSkew(list("[{\"id\":1,\"unix_ms\":10000,\"reachable\":1},{\"id\":2,\"unix_ms\":16000,\"reachable\":1}]"));
        assertThat(far.status()).isEqualTo("fail");
        assertThat(far.message()).contains("6000 ms (server 2)");
        assertThat(UpgradeChecks.bpfHeadroom(json("[{\"name\":\"conntrack\",\"used\":850,\"max\":1000}]")).status()).isEqualTo("warn");
        assertThat(UpgradeChecks.bpfHeadroom(json("[{\"name\":\"conntrack\",\"used\":960,\"max\":1000}]")).status()).isEqualTo("fail");
    }

    @Test
    void a_single_node_is_told_so() throws Exception {
        assertThat(UpgradeChecks.of(json("[]"), json("[]")).get(0).message()).contains("not a cluster server");
    }
}
