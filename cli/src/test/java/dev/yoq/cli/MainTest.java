package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The CLI in-process: exit codes and messages that need no server. */
class MainTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) {
        return Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionPrintsTheBuildVersion() {
        assertThat(run(Map.of(), "version")).isZero();
        assertThat(out()).matches("yoq \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
    }

    @Test
    void versionAsJson() {
        assertThat(run(Map.of(), "version", "--json")).isZero();
        assertThat(out().strip()).isEqualTo("{\"version\":\"" + CliVersion.get() + "\"}");
        out.reset();
        assertThat(run(Map.of(), "--json", "version")).as("global options go before or after").isZero();
        assertThat(out().strip()).isEqualTo("{\"version\":\"" + CliVersion.get() + "\"}");
    }

    @Test
    void noArgumentsPrintsUsageAndSucceeds() {
        assertThat(run(Map.of())).isZero();
        assertThat(out()).contains("Usage: yoq").contains("status").contains("server");
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {{"status", "--help"}, {"server", "start", "--help"},
                {"server", "logs", "--help"}, {"version", "--help"}}) {
            out.reset();
            assertThat(run(Map.of(), args)).isZero();
            assertThat(out()).contains("Usage: yoq " + args[0]);
        }
    }

    @Test
    void theInvokedCommandIsFoundPastGlobalOptions() {
        assertThat(Main.commandName(new String[] {"--server", "h:1", "--token", "t", "--json", "status", "x"})).isEqualTo("status");
        assertThat(Main.commandName(new String[] {"--server=h:1", "version"})).isEqualTo("version");
        assertThat(Main.commandName(new String[] {"--json"})).isNull();
        assertThat(Main.commandName(new String[] {})).isNull();
    }

    @Test
    void helpStillListsEveryCommand() {
        assertThat(run(Map.of(), "help")).isZero();
        assertThat(out()).contains("version").contains("status").contains("server").contains("validate")
                .contains("init").contains("up");
    }

    @Test
    void unknownCommandIsAOneLineUsageError() {
        assertThat(run(Map.of(), "deploy-everything")).isEqualTo(2);
        assertThat(err()).isEqualTo("unknown command: deploy-everything (see 'yoq --help')" + System.lineSeparator());
        assertThat(out()).isEmpty();
    }

    @Test
    void overlongCommandNamesAreRefused() {
        assertThat(run(Map.of(), "x".repeat(257))).isEqualTo(2);
        assertThat(err()).startsWith("error: command name longer than 256 characters");
    }

    @Test
    void badFlagIsAOneLineUsageError() {
        assertThat(run(Map.of(), "status", "--frobnicate")).isEqualTo(2);
        assertThat(err()).startsWith("error: unknown option: '--frobnicate'").hasLineCount(1);
    }

    @Test
    void badServerAddressNamesIt() {
        assertThat(run(Map.of(), "status", "--server", "http://x y")).isEqualTo(1);
        assertThat(err()).startsWith("error: invalid server address: http://x y");
    }

    @Test
    void unreachableServerSaysHowToStartIt() {
        assertThat(run(Map.of("YOQ_TOKEN", "t"), "status", "--server", "127.0.0.1:1")).isEqualTo(1);
        assertThat(err()).contains("cannot reach the yoq server at 127.0.0.1:1").contains("yoq server start");
    }

    @Test
    void serverControlWithoutARuntimeExplainsWhatToBuild() {
        assertThat(run(Map.of("YOQ_LIBERTY_HOME", "/nonexistent/wlp"), "server", "status")).isEqualTo(1);
        assertThat(err()).contains("no Liberty runtime at /nonexistent/wlp");
    }
}
