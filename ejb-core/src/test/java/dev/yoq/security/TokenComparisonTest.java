package dev.yoq.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenComparisonTest {

    static final String TOKEN = "0f".repeat(32);

    @Test
    void theSameTokenMatches() {
        assertThat(TokenComparison.matches(TOKEN, new String(TOKEN.toCharArray()))).isTrue();
    }

    @Test
    void anyOtherTokenDoesNot() {
        assertThat(TokenComparison.matches(TOKEN, "0f".repeat(31) + "0e")).isFalse();
        assertThat(TokenComparison.matches(TOKEN, TOKEN.substring(1))).isFalse();
        assertThat(TokenComparison.matches(TOKEN, TOKEN + "0")).isFalse();
        assertThat(TokenComparison.matches(TOKEN, TOKEN.toUpperCase())).isFalse();
    }

    @Test
    void emptyOrMissingTokensNeverMatch() {
        assertThat(TokenComparison.matches(TOKEN, "")).isFalse();
        assertThat(TokenComparison.matches(TOKEN, null)).isFalse();
        assertThat(TokenComparison.matches("", "")).isFalse();
        assertThat(TokenComparison.matches(null, null)).isFalse();
    }

    @Test
    void anUnloadedTokenStoreRefusesEverything() {
        ApiTokens tokens = new ApiTokens();
        assertThat(tokens.isAdminToken(TOKEN)).isFalse();
        tokens.useAdminToken(TOKEN);
        assertThat(tokens.isAdminToken(TOKEN)).isTrue();
        assertThat(tokens.isAdminToken("x")).isFalse();
    }
}
