package dev.yoq.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditedActsTest {

    @Test
    void sensitive_acts_are_named_with_their_target_and_whether_a_service_records_success() {
        assertThat(AuditedActs.of("POST", "apps/shop/rollout/pause")).isEqualTo(new AuditedActs.Act("rollout_pause", "shop", false));
        assertThat(AuditedActs.of("POST", "apps/shop/rollout/%00x")).isEqualTo(new AuditedActs.Act("rollout_control", "shop", false));
        assertThat(AuditedActs.of("POST", "apps/apply")).isEqualTo(new AuditedActs.Act("app_apply", null, true));
        assertThat(AuditedActs.of("POST", "containers/abc/exec")).isEqualTo(new AuditedActs.Act("container_exec", "abc", false));
        assertThat(AuditedActs.of("GET", "v1/secrets")).isEqualTo(new AuditedActs.Act("secret_list", null, false));
        assertThat(AuditedActs.of("HEAD", "v1/secrets")).isEqualTo(new AuditedActs.Act("secret_list", null, false));
        assertThat(AuditedActs.of("POST", "v1/secrets/db/value")).isEqualTo(new AuditedActs.Act("secret_get", "db", false));
        assertThat(AuditedActs.of("DELETE", "v1/policies/web/db")).isEqualTo(new AuditedActs.Act("policy_delete", "web -> db", true));
        assertThat(AuditedActs.of("DELETE", "images/docker.io/library/busybox:1")).isEqualTo(
                new AuditedActs.Act("image_remove", "docker.io/library/busybox:1", false));
    }

    @Test
    void reads_agents_routes_and_node_feeds_are_not_acts() {
        assertThat(AuditedActs.of("GET", "apps")).isNull();
        assertThat(AuditedActs.of("POST", "agents/abc/heartbeat")).isNull();
        assertThat(AuditedActs.of("PUT", "v1/node/cluster-services")).isNull();
        assertThat(AuditedActs.of("GET", "v1/secrets/db")).isNull();
    }

    @Test
    void outcomes() {
        assertThat(AuditedActs.outcome(201)).isEqualTo("ok");
        assertThat(AuditedActs.outcome(403)).isEqualTo("denied");
        assertThat(AuditedActs.outcome(409)).isEqualTo("failed: 409");
    }
}
