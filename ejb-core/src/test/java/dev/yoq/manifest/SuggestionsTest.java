package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SuggestionsTest {

    static final List<String> KEYS = List.of("image", "restart", "ports", "depends_on", "health_check");

    @Test
    void typosFindTheirKey() {
        assertThat(Suggestions.closest("imgae", KEYS)).hasValue("image");
        assertThat(Suggestions.closest("restrat", KEYS)).hasValue("restart");
        assertThat(Suggestions.closest("port", KEYS)).hasValue("ports");
        assertThat(Suggestions.closest("depends-on", KEYS)).hasValue("depends_on");
        assertThat(Suggestions.closest("IMAGE", KEYS)).hasValue("image");
    }

    @Test
    void unrelatedWordsGetNoSuggestion() {
        assertThat(Suggestions.closest("banana", KEYS)).isEmpty();
        assertThat(Suggestions.closest("x", KEYS)).isEmpty();
    }

    @Test
    void distanceCountsASwapAsOneEdit() {
        assertThat(Suggestions.distance("ab", "ba")).isEqualTo(1);
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    }
}
