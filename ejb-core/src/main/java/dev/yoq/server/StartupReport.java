package dev.yoq.server;

/**
 * What the start-up sequence achieved. {@code ready} only when the data directory, the token, the schema and
 * the node identity are all in place; otherwise {@code failure} says what went wrong.
 */
public record StartupReport(boolean ready, String nodeId, int schemaVersion, long startedAt, String failure) {

    public static StartupReport starting(long startedAt) {
        return new StartupReport(false, null, 0, startedAt, "starting");
    }

    public static StartupReport failed(long startedAt, String failure) {
        return new StartupReport(false, null, 0, startedAt, failure);
    }
}
