package dev.yoq.node.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.node.protocol.ContainerSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** An app's container answers to its workload name and workload.app; other containers only to their names. */
class AppAliasesTest {
    static ContainerSpec spec(String name, String hostname, String ip) {
        return new ContainerSpec("0123456789ab", name, List.of("/r"), List.of("sh"), List.of(), hostname, "/", null, null, List.of(),
                true, false, new ContainerSpec.Net(ip + "/16", "10.42.0.1", List.of()));
    }

    @Test
    void app_containers_get_their_workload_names_and_a_shared_bare_name_answers_with_both() {
        Map<String, List<String>> entries = new TreeMap<>();
        NodeNetwork.appAliases(spec("shop-web", "web", "10.42.0.2"), entries);
        NodeNetwork.appAliases(spec("blog-web", "web", "10.42.0.3"), entries);
        NodeNetwork.appAliases(spec("plain", "plain", "10.42.0.4"), entries);
        NodeNetwork.appAliases(spec("other", "container", "10.42.0.5"), entries);
        assertThat(entries).containsOnlyKeys("web", "web.shop", "web.blog");
        assertThat(entries.get("web")).containsExactly("10.42.0.2", "10.42.0.3");
        assertThat(entries.get("web.shop")).containsExactly("10.42.0.2");
    }
}
