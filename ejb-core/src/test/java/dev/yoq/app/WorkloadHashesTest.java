package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.manifest.AppSnapshot;
import dev.yoq.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;

class WorkloadHashesTest {
    static String snapshot(String extra) {
        return AppSnapshot.json(ManifestLoader.parse("app = \"shop\"\n[service.web]\nimage = \"nginx\"\n" + extra, "m.toml", "shop", k -> null)
                .manifest());
    }

    @Test
    void scaling_or_a_new_rollout_policy_keeps_the_replicas_but_is_still_a_change() {
        String one = snapshot(""), three = snapshot("replicas = 3\n[service.web.rollout]\nstrategy = \"canary\"\n");
        assertThat(WorkloadHashes.ofReplicas(three)).isEqualTo(WorkloadHashes.ofReplicas(one));
        assertThat(WorkloadHashes.of(three)).as("the dry run lists it as an update").isNotEqualTo(WorkloadHashes.of(one));
        assertThat(WorkloadHashes.ofReplicas(snapshot("command = [\"x\"]\n"))).as("what a replica runs").isNotEqualTo(WorkloadHashes.ofReplicas(one));
    }

    @Test
    void new_routes_or_tls_keep_the_replicas_too() {
        String one = snapshot(""), routed = snapshot("[service.web.http_proxy]\nhost = \"shop.local\"\n[service.web.tls]\ndomain = \"shop.local\"\n");
        assertThat(WorkloadHashes.ofReplicas(routed)).isEqualTo(WorkloadHashes.ofReplicas(one));
        assertThat(WorkloadHashes.of(routed)).isNotEqualTo(WorkloadHashes.of(one));
    }
}
