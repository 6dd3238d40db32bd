package dev.yoq.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec §1.7's vocabulary and §2.1's table, and pin 21. */
class ScopesTest {

    @Test
    void the_route_table_of_spec_2_1() {
        assertThat(Scopes.required("GET", "v1/secrets")).isEqualTo("secrets:read");
        assertThat(Scopes.required("POST", "v1/secrets/x/rotate")).isEqualTo("secrets:write");
        assertThat(Scopes.required("POST", "v1/secrets/x/value")).as("yoq secret get: a read").isEqualTo("secrets:read");
        assertThat(Scopes.required("DELETE", "v1/policies/a/b")).isEqualTo("policies:write");
        assertThat(Scopes.required("GET", "v1/certificates")).isEqualTo("certificates:read");
        assertThat(Scopes.required("POST", "v1/audit")).isEqualTo("audit:read");
        assertThat(Scopes.required("GET", "v1/metrics")).isEqualTo("status:read");
        assertThat(Scopes.required("HEAD", "v1/status")).isEqualTo("status:read");
        assertThat(Scopes.required("POST", "v1/services/web/reconcile")).isEqualTo("services:write");
        assertThat(Scopes.required("POST", "apps/dry-run")).isEqualTo("apps:read");
        assertThat(Scopes.required("POST", "apps/apply")).isEqualTo("apps:write");
        assertThat(Scopes.required("POST", "deploy")).isEqualTo("apps:write");
        assertThat(Scopes.required("GET", "cluster/status")).isEqualTo("cluster:read");
        assertThat(Scopes.required("POST", "cluster/step-down")).isEqualTo("cluster:admin");
        assertThat(Scopes.required("PUT", "agents/abc/labels")).isEqualTo("agents:write");
        assertThat(Scopes.required("GET", "wireguard/peers")).isEqualTo("agents:read");
        assertThat(Scopes.required("DELETE", "containers/abc")).isEqualTo("containers:write");
        assertThat(Scopes.required("POST", "images/pull")).isEqualTo("images:write");
        assertThat(Scopes.required("GET", "s3/bucket/key")).isEqualTo("s3:read");
        assertThat(Scopes.required("GET", "v1/tokens")).as("anything else").isEqualTo("*");
        assertThat(Scopes.required("GET", "v1/node")).isEqualTo("*");
        assertThat(Scopes.required("GET", "appsx")).as("a prefix is a whole segment").isEqualTo("*");
    }

    @Test
    void write_implies_read_on_the_same_resource_only_and_read_never_writes() {
        assertThat(Scopes.grants(List.of("secrets:write"), "secrets:read")).isTrue();
        assertThat(Scopes.grants(List.of("secrets:read"), "secrets:write")).isFalse();
        assertThat(Scopes.grants(List.of("apps:write"), "secrets:read")).isFalse();
        assertThat(Scopes.grants(List.of("apps:*"), "apps:write")).isTrue();
        assertThat(Scopes.grants(List.of("cluster:admin"), "cluster:read")).as("admin is the cluster's write").isTrue();
        assertThat(Scopes.grants(List.of("cluster:write"), "cluster:admin")).isFalse();
        assertThat(Scopes.grants(List.of("cluster:read", "cluster:admin"), "cluster:admin")).isTrue();
        assertThat(Scopes.grants(List.of("*"), "*")).isTrue();
        assertThat(Scopes.grants(List.of("apps:*", "secrets:*"), "*")).as("only * reaches routes outside the table").isFalse();
    }

    @Test
    void scopes_are_checked_deduplicated_and_bounded() {
        assertThat(Scopes.parse(List.of("apps:read,status:read", "apps:read"))).containsExactly("apps:read", "status:read");
        assertThatThrownBy(() -> Scopes.parse(List.of("status:admin"))).hasMessageStartingWith("invalid scope: status:admin");
        assertThatThrownBy(() -> Scopes.parse(List.of("bogus:read"))).hasMessageStartingWith("invalid scope: bogus:read");
        assertThatThrownBy(() -> Scopes.parse(List.of(" , "))).hasMessage("at least one scope is required (--scope)");
        List<String> many = Scopes.RESOURCES.stream().flatMap(r -> java.util.stream.Stream.of(r + ":read", r + ":write")).toList();
        assertThatThrownBy(() -> Scopes.parse(many)).hasMessage("at most 16 scopes per token, got 24");
    }
}
