package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The exec DNS provider's hook runs: argv plus the action, §3.8's environment, bounded, failures with the hook's own words. */
@Timeout(30)
class AcmeDnsHookTest {
    @TempDir
    Path dir;

    Path script(String body) throws IOException {
        Path p = Files.writeString(dir.resolve("hook.sh"), "#!/bin/sh\n" + body + "\n");
        p.toFile().setExecutable(true);
        return p;
    }

    @Test
    void present_and_cleanup_get_the_action_last_and_the_spec_environment() throws Exception {
        Path log = dir.resolve("calls");
        Path hook = script("echo \"$*|$YOQ_ACME_CHALLENGE|$YOQ_ACME_ACTION|$YOQ_ACME_DOMAIN|$YOQ_ACME_RECORD|$YOQ_ACME_VALUE|$YOQ_ACME_DIRECTORY_URL\" >> " + log);
        AcmeDnsHook h = new AcmeDnsHook(List.of(hook.toString(), "--zone", "a test"), "*.a.test", "https://ca.test/dir", Duration.ZERO);
        h.present("_acme-challenge.a.test.", "VALUE");
        h.cleanup("_acme-challenge.a.test.", "VALUE");
        assertThat(Files.readAllLines(log)).containsExactly(
                "--zone a test present|dns-01|present|*.a.test|_acme-challenge.a.test.|VALUE|https://ca.test/dir",
                "--zone a test cleanup|dns-01|cleanup|*.a.test|_acme-challenge.a.test.|VALUE|https://ca.test/dir");
    }

    @Test
    void the_dns_secrets_are_variables_of_the_hook_and_an_error_then_quotes_none_of_its_output() throws Exception {
        Path seen = dir.resolve("seen");
        // printed trimmed and cut in two: no redaction could be trusted to catch every form of a value
        Path hook = script("printf '%s' \"$CF_TOKEN\" > " + seen + "; echo \"token $(echo $CF_TOKEN | cut -c1-4) $(echo $CF_TOKEN | cut -c5-)\" >&2; exit 2");
        AcmeDnsHook h = new AcmeDnsHook(List.of(hook.toString()), "a.test", "https://ca.test/dir", Duration.ZERO,
                java.util.Map.of("CF_TOKEN", "s3cr3t-cf"));
        assertThatThrownBy(() -> h.present("_acme-challenge.a.test.", "V")).isInstanceOf(IOException.class)
                .hasMessage("dns hook " + hook + " present exited with status 2 (its output is not quoted, as the hook was given secrets: "
                        + "run it by hand to see it)");
        assertThat(java.nio.file.Files.readString(seen)).as("the hook had the value").isEqualTo("s3cr3t-cf");
    }

    @Test
    void present_waits_the_settle_time_after_the_hook() throws Exception {
        AcmeDnsHook h = new AcmeDnsHook(List.of("/bin/true"), "a.test", "https://ca.test/dir", Duration.ofMillis(300));
        long start = System.nanoTime();
        h.present("_acme-challenge.a.test.", "V");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void a_failing_hook_is_named_with_its_status_and_the_end_of_its_output() throws Exception {
        Path hook = script("echo 'zone a.test: API token rejected' >&2; exit 3");
        AcmeDnsHook h = new AcmeDnsHook(List.of(hook.toString()), "a.test", "https://ca.test/dir", Duration.ZERO);
        assertThatThrownBy(() -> h.present("_acme-challenge.a.test.", "V")).isInstanceOf(IOException.class)
                .hasMessage("dns hook " + hook + " present exited with status 3: zone a.test: API token rejected");
        h.cleanup("_acme-challenge.a.test.", "V");   // best effort: logged, not thrown
    }

    @Test
    void a_hook_that_cannot_start_or_hangs_is_named_and_killed() throws Exception {
        AcmeDnsHook missing = new AcmeDnsHook(List.of(dir.resolve("nope").toString()), "a.test", "https://ca.test/dir", Duration.ZERO);
        assertThatThrownBy(() -> missing.present("r.", "V")).isInstanceOf(IOException.class)
                .hasMessageStartingWith("dns hook " + dir.resolve("nope") + " present cannot start: ");
        Path hook = script("echo started; sleep 30");
        AcmeDnsHook hangs = new AcmeDnsHook(List.of(hook.toString()), "a.test", "https://ca.test/dir", Duration.ZERO, 1);
        long start = System.nanoTime();
        assertThatThrownBy(() -> hangs.present("r.", "V")).isInstanceOf(IOException.class)
                .hasMessageStartingWith("dns hook " + hook + " present did not finish within 1 s: started");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void a_hook_is_required() {
        assertThatThrownBy(() -> new AcmeDnsHook(List.of(), "a.test", "u", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
