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
 * @param userNamespace  run in a user namespace: container root is an unprivileged uid range on the host
 * @param net         the container's place on the node's bridge (address, gateway, published ports), or null:
 *                    then its network namespace has loopback only ({@code --no-net})
 * @param capabilities the capability mask the process keeps ({@link Capabilities}), null for the default set
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
        boolean network,
        boolean userNamespace,
        Net net,
        Long capabilities) {

    public ContainerSpec(String id, String name, List<String> lowerDirs, List<String> command, List<String> env, String hostname,
                         String workingDir, String user, Limits limits, List<Mount> mounts, boolean network, boolean userNamespace, Net net) {
        this(id, name, lowerDirs, command, env, hostname, workingDir, user, limits, mounts, network, userNamespace, net, null);
    }

    /** eth0's address with its prefix ("10.42.0.5/16"), the default route, and the host ports that lead here. */
    public record Net(String address, String gateway, List<PortMapping> ports) {
        public Net {
            ports = ports == null ? List.of() : List.copyOf(ports);
        }

        /** The address without its prefix length. */
        public String ip() {
            return address.substring(0, address.indexOf('/'));
        }
    }

    public ContainerSpec(String id, String name, List<String> lowerDirs, List<String> command, List<String> env,
                         String hostname, String workingDir, String user, Limits limits, List<Mount> mounts,
                         boolean network, boolean userNamespace) {
        this(id, name, lowerDirs, command, env, hostname, workingDir, user, limits, mounts, network, userNamespace, null);
    }

    /** The same container on the bridge with {@code net}. */
    public ContainerSpec withNet(Net net) {
        return new ContainerSpec(id, name, lowerDirs, command, env, hostname, workingDir, user, limits, mounts, network, userNamespace, net,
                capabilities);
    }

    /** The same container with this environment. */
    public ContainerSpec withEnv(List<String> env) {
        return new ContainerSpec(id, name, lowerDirs, command, env, hostname, workingDir, user, limits, mounts, network, userNamespace, net,
                capabilities);
    }

    /** The same container keeping {@code mask} ({@link Capabilities#of}). */
    public ContainerSpec withCapabilities(Long mask) {
        return new ContainerSpec(id, name, lowerDirs, command, env, hostname, workingDir, user, limits, mounts, network, userNamespace, net,
                mask);
    }

    /** The capability mask yoq-init applies. */
    public long capabilityMask() {
        return capabilities == null ? Capabilities.DEFAULT : capabilities;
    }

    /** Host uids and gids a user-namespaced container maps (root inside is the first of them). */
    public static final int USERNS_RANGE = 65_536;

    public ContainerSpec(String id, String name, List<String> lowerDirs, List<String> command, List<String> env,
                         String hostname, String workingDir, String user, Limits limits, List<Mount> mounts,
                         boolean network) {
        this(id, name, lowerDirs, command, env, hostname, workingDir, user, limits, mounts, network, false, null);
    }

    /**
     * The first host uid of this container's range: 2^20 + 65536 × (a slot from the id), so containers do not
     * share ids with the host's users (below 2^20) nor, but for a 1-in-16384 chance, with each other.
     */
    public long userNamespaceBase() {
        return (1L << 20) + USERNS_RANGE * (Long.parseLong(id.substring(0, Math.min(8, id.length())), 16) % 16_384);
    }

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
