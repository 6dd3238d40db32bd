package dev.yoq.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.cluster.schedule.NodeRole;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentRegistrationTest {
    static final String KEY = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";

    static AgentRegistration.Raw raw(String address, Long cpu, Long mem) {
        return new AgentRegistration.Raw(address, null, cpu, mem, null, null, null, null, null, null, null, null);
    }

    @Test
    void a_minimal_registration_gets_the_spec_defaults() {
        AgentRegistration r = AgentRegistration.check(raw("10.0.0.5", 4L, 8192L));
        assertThat(r.agentApiPort()).isEqualTo(7701);
        assertThat(r.wgListenPort()).isEqualTo(51820);
        assertThat(r.role()).isEqualTo(NodeRole.BOTH);
        assertThat(r.labels()).isEmpty();
    }

    @Test
    void every_field_is_checked_and_every_problem_named() {
        AgentRegistration.Raw bad = new AgentRegistration.Raw("10.0.0.256", 0L, 0L, 10_000_001L, "not-a-key", 70_000L,
                "king", "Europe West", -1L, null, null, "zone=a,zone=b,=x");
        assertThatThrownBy(() -> AgentRegistration.check(bad)).isInstanceOfSatisfying(AgentRegistration.Invalid.class, e ->
                assertThat(e.problems).containsExactly(
                        "address must be an IPv4 address, got 10.0.0.256",
                        "agent_api_port must be 1-65535, got 0",
                        "wg_listen_port must be 1-65535, got 70000",
                        "cpu_cores must be 1-10000, got 0",
                        "memory_mb must be 1-10000000, got 10000001",
                        "wg_public_key must be a base64 WireGuard key (32 bytes)",
                        "role: unknown role: king (server, agent or both)",
                        "region must be 1-63 lowercase letters, digits or '-', got Europe West",
                        "gpu_count must be 0-1024, got -1",
                        "label zone given twice",
                        "label must be key=value (letters, digits, '.', '_', '-'), got '=x'"));
        assertThatThrownBy(() -> AgentRegistration.check(raw(null, 1L, 1L))).hasMessage("address is required");
        assertThatThrownBy(() -> AgentRegistration.check(raw("10.0.0.1", 10_001L, 1L))).hasMessage("cpu_cores must be 1-10000, got 10001");
    }

    @Test
    void the_limits_themselves_are_accepted() {
        AgentRegistration r = AgentRegistration.check(new AgentRegistration.Raw("192.168.1.20", 65535L, 10_000L, 10_000_000L, KEY,
                1L, "agent", "eu-west-1", 8L, 81920L, "H100", "zone=a,disk=ssd"));
        assertThat(r.cpuCores()).isEqualTo(10_000);
        assertThat(r.role()).isEqualTo(NodeRole.AGENT);
        assertThat(r.labels()).containsExactly(Map.entry("zone", "a"), Map.entry("disk", "ssd"));
        assertThat(r.wgPublicKey()).isEqualTo(KEY);
        assertThat(AgentRegistration.labelsCsv(r.labels())).isEqualTo("zone=a,disk=ssd");
        assertThat(AgentRegistration.labelsCsv(Map.of())).isEmpty();
    }
}
