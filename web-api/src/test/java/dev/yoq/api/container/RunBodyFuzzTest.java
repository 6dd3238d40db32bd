package dev.yoq.api.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.api.BoundedJsonReader;
import dev.yoq.node.protocol.DataLayout;
import dev.yoq.node.protocol.HostPaths;
import dev.yoq.runtime.ContainerException;
import dev.yoq.runtime.RunRequest;
import dev.yoq.runtime.RunRequestRules;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The hardening issue's fuzz, in process: whatever body arrives at {@code POST /containers}, reading it and
 * checking it either succeed or fail with the kinds the API answers 400 (never an exception that would be a 500).
 * ApiFuzzIT does the same over HTTP on every route.
 */
class RunBodyFuzzTest {
    static final HostPaths PATHS = HostPaths.forNode(new DataLayout(Path.of("/nonexistent-yoq-fuzz/data")),
            Path.of("/nonexistent-yoq-fuzz/run/node.sock"), List.of(), "");
    static final String[] KEYS = {"target", "command", "name", "env", "volumes", "ports", "memory_bytes", "pids", "cpu_weight", "cpus",
            "restart", "network", "user_namespace", "cap_add", "cap_drop", "source", "read_only"};
    static final String[] VALUES = {"null", "true", "false", "0", "-1", "1e400", "99999999999999999999999", "1.5", "\"\"", "\"x\"",
            "\"/nonexistent-yoq-fuzz/rootfs\"", "\"80:80\"", "\"SYS_ADMIN\"", "\"ALL\"", "\"/\"", "\"../..\"", "\"\\u0000\"", "[]", "{}",
            "[\"a\",1]", "[{\"source\":\"/etc\",\"target\":\"/x\"}]", "[{\"source\":1}]", "[null]", "\"always\"", "4194304"};

    @Property(tries = 3000, seed = "20261206")
    void random_bytes_are_read_or_refused(@ForAll @Size(max = 400) byte[] junk) {
        check(junk);
    }

    @Property(tries = 3000, seed = "20261206")
    void generated_objects_are_read_and_checked_or_refused(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        check(object(new Random(seed), 0).getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON object of the route's keys with values of every type, nested now and then, sometimes cut short. */
    static String object(Random r, int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',');
            b.append('"').append(KEYS[r.nextInt(KEYS.length)]).append("\":");
            b.append(depth < 3 && r.nextInt(8) == 0 ? object(r, depth + 1) : VALUES[r.nextInt(VALUES.length)]);
        }
        b.append('}');
        String text = b.toString();
        return r.nextInt(10) == 0 ? text.substring(0, r.nextInt(text.length() + 1)) : text;
    }

    static void check(byte[] body) {
        JsonObject o;
        try {
            o = BoundedJsonReader.parse(new ByteArrayInputStream(body));
        } catch (BoundedJsonReader.InvalidBody e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        } catch (java.io.IOException e) {
            throw new AssertionError("reading a byte array cannot fail with I/O", e);
        }
        RunRequest request;
        try {
            request = ContainerJson.runRequest(o);
        } catch (ContainerException e) {
            assertThat(e.kind()).isEqualTo(ContainerException.Kind.INVALID);
            return;
        }
        List<String> problems = RunRequestRules.problems(PATHS, request);
        assertThat(problems).allSatisfy(p -> assertThat(p).isNotBlank());
    }
}
