package dev.yoq.runtime;

import dev.yoq.model.ContainerRecord;

/** A container as the API shows it: spec §2.2's fields (id, hostname, status, command, pid, created_at) and more. */
public record ContainerView(
        String id,
        String name,
        String hostname,
        String status,
        String statusReason,
        String command,
        String rootfs,
        Integer pid,
        String ip,
        Integer exitCode,
        Integer signal,
        boolean oomKilled,
        String restartPolicy,
        int restartCount,
        long createdAt,
        Long startedAt,
        Long finishedAt) {

    public static ContainerView of(ContainerRecord r) {
        return new ContainerView(r.getId(), r.getName(), r.getHostname(), r.getStatus(), r.getStatusReason(),
                r.getCommand(), r.getRootfs(), r.getPid(), r.getIpAddress(), r.getExitCode(), r.getExitSignal(),
                r.isOomKilled(), r.getRestartPolicy(), r.getRestartCount(), r.getCreatedAt() / 1000,
                r.getStartedAt() == null ? null : r.getStartedAt() / 1000,
                r.getFinishedAt() == null ? null : r.getFinishedAt() / 1000);
    }

    public boolean running() { return "running".equals(status); }
}
