package dev.yoq.manifest;

/**
 * One finding about a manifest: where ({@code path} such as {@code service.api.health_check.port}, and the
 * line when the source is a file), the original's error kind ({@code InvalidHealthCheck}), and what is wrong.
 */
public record Problem(Severity severity, String kind, String path, int line, String message) {

    public enum Severity { ERROR, WARNING }

    public static Problem error(String kind, String path, String message) {
        return new Problem(Severity.ERROR, kind, path, 0, message);
    }

    public static Problem warning(String path, String message) {
        return new Problem(Severity.WARNING, "Warning", path, 0, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    public Problem at(int line) {
        return new Problem(severity, kind, path, line, message);
    }

    /** {@code manifest.toml:14: service.api.health_check.port: must be 1-65535, got 70000}. */
    public String describe(String file) {
        StringBuilder b = new StringBuilder(file);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (path != null && !path.isEmpty()) {
            b.append(path).append(": ");
        }
        return b.append(message).toString();
    }
}
