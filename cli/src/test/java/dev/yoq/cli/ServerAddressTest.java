package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerAddressTest {

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1:7700, 127.0.0.1, 7700",
            "10.0.0.5, 10.0.0.5, 7700",
            "yoq.example.com:8000, yoq.example.com, 8000",
            "localhost:1, localhost, 1",
            "'[::1]:7700', '[::1]', 7700",
            "node-2:65535, node-2, 65535"})
    void acceptsNamesAndAddresses(String text, String host, int port) {
        assertThat(ServerAddress.parse(text)).isEqualTo(new ServerAddress(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":7700", "host:0", "host:65536", "host:port", "-bad.example:1", "a b:1",
            "ftp://host:7700", "host:7700/path", "https://", "https://host:7700/v1"})
    void refusesAnythingElseNamingTheInput(String text) {
        assertThatThrownBy(() -> ServerAddress.parse(text))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("invalid server address: " + text);
    }

    @ParameterizedTest
    @CsvSource({
            "https://10.0.0.5:7700, 10.0.0.5, 7700, https",
            "HTTPS://10.0.0.5, 10.0.0.5, 7700, https",
            "http://127.0.0.1:7781/, 127.0.0.1, 7781, http"})
    void aSchemeSaysHowToTalk(String text, String host, int port, String scheme) {
        ServerAddress a = ServerAddress.parse(text);
        assertThat(a).isEqualTo(new ServerAddress(host, port, scheme));
        assertThat(a.toString()).isEqualTo(scheme + "://" + host + ":" + port);
        assertThat(ServerAddress.parse(host + ":" + port).scheme()).as("none given: chosen when connecting").isNull();
    }

    @ParameterizedTest
    @CsvSource({"json, json", "JSON, json", "simple, simple", "text, simple", "'', simple"})
    void logFormatIsJsonOnlyWhenAskedFor(String requested, String liberty) {
        assertThat(LocalServer.logFormat(requested)).isEqualTo(liberty);
        assertThat(LocalServer.logFormat(null)).isEqualTo("simple");
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "59, 59s", "65, 1m 5s", "3600, 1h 0m", "7380, 2h 3m", "90000, 1d 1h"})
    void durationsReadAtAGlance(long seconds, String text) {
        assertThat(Durations.human(seconds)).isEqualTo(text);
    }
}
