package dev.yoq.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.node.protocol.NetworkPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterPoliciesTest {
    @Test
    void a_nodes_own_rule_for_a_pair_wins_and_the_clusters_others_are_added() {
        var own = List.of(new NetworkPolicy("web", "db", "allow"));
        var cluster = List.of(new NetworkPolicy("web", "db", "deny"), new NetworkPolicy("job", "db", "deny"));
        assertThat(PolicyService.enforced(own, cluster)).containsExactly(new NetworkPolicy("web", "db", "allow"), new NetworkPolicy("job", "db", "deny"));
        assertThat(PolicyService.enforced(own, List.of())).isSameAs(own);
    }

    @Test
    void a_rule_set_the_helper_could_not_take_is_refused_naming_the_rule_and_field() {
        assertThatThrownBy(() -> PolicyService.checkedClusterRules(List.of(new NetworkPolicy("web", "db", "deny"), new NetworkPolicy("web", "bad name", "deny"))))
                .isInstanceOf(NetworkException.class).hasMessageContaining("cluster policies: [1].target: bad name is not a container or service name");
        assertThatThrownBy(() -> PolicyService.checkedClusterRules(List.of(new NetworkPolicy("web", "db", "drop"))))
                .hasMessageContaining("[0].action: 'deny' or 'allow', got drop");
        List<NetworkPolicy> many = new ArrayList<>();
        for (int i = 0; i <= PolicyService.MAX_CLUSTER_RULES; i++) many.add(new NetworkPolicy("a" + i, "db", "deny"));
        assertThatThrownBy(() -> PolicyService.checkedClusterRules(many)).hasMessageContaining("at most 1024 rules, got 1025");
        assertThatThrownBy(() -> PolicyService.checkedClusterRules(null)).hasMessageContaining("JSON array");
    }
}
