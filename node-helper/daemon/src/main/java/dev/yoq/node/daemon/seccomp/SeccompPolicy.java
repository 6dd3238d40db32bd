package dev.yoq.node.daemon.seccomp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The container seccomp policy as data (resource {@code default-policy.json}): an allowlist, argument-checked
 * allows, and syscalls answered with a specific errno. Everything else fails with {@code defaultErrno}.
 */
public record SeccompPolicy(
        int defaultErrno,
        List<String> allow,
        List<ArgRule> allowIf,
        List<ErrnoRule> errno,
        Map<String, List<String>> archAllow) {

    /** Allow a syscall when argument {@code arg} compares as {@code op} (eq, ne, masked_eq) to {@code value}. */
    public record ArgRule(String syscall, int arg, String op, long value, long mask) {}

    public record ErrnoRule(String syscall, int errno) {}

    public static SeccompPolicy parse(byte[] json) {
        try {
            return new ObjectMapper()
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(json, SeccompPolicy.class);
        } catch (IOException e) {
            throw new UncheckedIOException("malformed seccomp policy: " + e.getMessage(), e);
        }
    }

    public static byte[] defaultPolicyBytes() {
        try (InputStream in = SeccompPolicy.class.getResourceAsStream("default-policy.json")) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the default seccomp policy is missing from the helper jar", e);
        }
    }
}
