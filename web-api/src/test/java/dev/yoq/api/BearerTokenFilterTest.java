package dev.yoq.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenFilterTest {
    @Test
    void the_scheme_is_case_insensitive_and_an_empty_token_is_none() {
        assertThat(BearerTokenFilter.bearerToken("Bearer abc")).isEqualTo("abc");
        assertThat(BearerTokenFilter.bearerToken("bearer abc")).isEqualTo("abc");
        assertThat(BearerTokenFilter.bearerToken("BEARER abc")).isEqualTo("abc");
        assertThat(BearerTokenFilter.bearerToken("Bearer ")).isNull();
        assertThat(BearerTokenFilter.bearerToken("Basic abc")).isNull();
        assertThat(BearerTokenFilter.bearerToken(null)).isNull();
    }

    @Test
    void the_join_token_reaches_only_the_agent_surface() {
        assertThat(BearerTokenFilter.isAgentSurface("POST", "agents/0123456789ab/heartbeat")).isTrue();
        assertThat(BearerTokenFilter.isAgentSurface("GET", "agents/0123456789ab/assignments")).isTrue();
        assertThat(BearerTokenFilter.isAgentSurface("GET", "agents/0123456789ab/services")).isTrue();
        assertThat(BearerTokenFilter.isAgentSurface("GET", "agents/0123456789ab/policies")).isTrue();
        assertThat(BearerTokenFilter.isAgentSurface("PUT", "agents/0123456789ab/policies")).isFalse();
        assertThat(BearerTokenFilter.isAgentSurface("GET", "agents/0123456789ab/routes")).isTrue();
        assertThat(BearerTokenFilter.isAgentSurface("PUT", "agents/0123456789ab/routes")).isFalse();
        assertThat(BearerTokenFilter.isAgentSurface("GET", "agents/0123456789ab/servicesx")).isFalse();
        assertThat(BearerTokenFilter.isAgentSurface("POST", "agents/0123456789ab/assignments/a1/status")).isTrue();
        assertThat(BearerTokenFilter.isAgentSurface("POST", "agents/0123456789ab/assignments/a1/secrets")).isTrue();
        assertThat(BearerTokenFilter.isAgentSurface("GET", "agents/0123456789ab/assignments/a1/secrets")).isFalse();
        assertThat(BearerTokenFilter.isAgentSurface("GET", "wireguard/peers")).isTrue();
        assertThat(BearerTokenFilter.isAgentSurface("GET", "agents")).isFalse();              // spec: join token on GET /agents → 401
        assertThat(BearerTokenFilter.isAgentSurface("POST", "agents/0123456789ab/drain")).isFalse();
        assertThat(BearerTokenFilter.isAgentSurface("PUT", "agents/0123456789ab/labels")).isFalse();
        assertThat(BearerTokenFilter.isAgentSurface("POST", "agents/../apps/apply/heartbeat")).isFalse();
        assertThat(BearerTokenFilter.isAgentSurface("POST", "v1/policies")).isFalse();
        assertThat(BearerTokenFilter.agentOf("agents/0123456789ab/assignments/a1/status")).isEqualTo("0123456789ab");
        assertThat(BearerTokenFilter.agentOf("agents/0123456789ab/heartbeat")).isEqualTo("0123456789ab");
        assertThat(BearerTokenFilter.agentOf("wireguard/peers")).as("the mesh is every member's").isNull();
    }
}
