package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VariableExpansionTest {

    static final Map<String, String> ENV = Map.of("A", "alpha", "EMPTY", "", "B", "b:c");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "${A}|alpha",
            "${UNSET}|''",
            "${UNSET:-nginx}|nginx",
            "${EMPTY:-x}|''",
            "${UNSET:-a:-b}|a:-b",
            "${UNSET:-x:y}|x:y",
            "$$|$",
            "$${A}|${A}",
            "${A|${A",
            "cost $5|cost $5",
            "${}|''",
            "${:-x}|x",
            "${UNSET:-${A}}|${A}",
            "pre${A}post|prealphapost",
            "${B}|b:c"})
    void expandsLikeTheOriginal(String text, String expected) {
        assertThat(VariableExpansion.expand(text, ENV::get)).isEqualTo(expected);
    }
}
