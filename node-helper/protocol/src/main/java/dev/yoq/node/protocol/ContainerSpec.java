package dev.yoq.node.protocol;

import java.util.List;

/**
 * What the server asks the helper to create: everything a container needs, decided by the server. The helper
 * validates it again (it is root and trusts nobody) but adds no policy of its own.
 *
 * @param id          12 lowercase hex characters
 * @param lowerDirs   read-only layers of the overlay root, topmost first (a rootfs directory, or unpacked layers)
 * @param command     argv; the first element is looked up in the container's PATH
 * @param env         KEY=VALUE entries
 * @param network     true: a new network namespace (the networking issue adds interfaces); false: loopback only
 */
public record ContainerSpec(
        String id,
        String name,
        List<String> lowerDirs,
        List<String> command,
        List<String> env,
        String hostname,
        String workingDir,
        String user,
        Limits limits,
        List<Mount> mounts,
        boolean network) {

    public ContainerSpec {
        lowerDirs = List.copyOf(lowerDirs);
        command = List.copyOf(command);
        env = env == null ? List.of() : List.copyOf(env);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        limits = limits == null ? Limits.DEFAULT : limits;
    }

    /** A bind mount from the host; read-only unless asked otherwise, as in the original yoq. */
    public record Mount(String source, String target, boolean readOnly) {}
}
