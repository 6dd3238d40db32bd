package dev.yoq.node.protocol;

/**
 * What the helper knows of a container: facts, not policy. Status is {@code created}, {@code running} or
 * {@code exited}; for an exited container exitCode is the process's code or 128 + the signal that killed it.
 */
public record ContainerState(
        String id,
        String status,
        Integer pid,
        Integer exitCode,
        Integer signal,
        boolean oomKilled,
        Long startedAtMs,
        Long finishedAtMs) {

    public static final String CREATED = "created";
    public static final String RUNNING = "running";
    public static final String EXITED = "exited";

    public boolean running() { return RUNNING.equals(status); }
}
