package dev.yoq.runtime;

import java.util.List;

/**
 * A request to run a container, as the REST route receives it (the CLI has already parsed sizes and made
 * paths absolute). Null means "the default".
 *
 * @param target  a rootfs directory (absolute path); image references arrive with the image store
 * @param userNamespace  yoq's addition: container root is an unprivileged host uid range
 */
public record RunRequest(
        String target,
        List<String> command,
        String name,
        List<String> env,
        List<Volume> volumes,
        List<String> ports,
        Long memoryBytes,
        Long pids,
        Integer cpuWeight,
        Double cpus,
        String restart,
        Boolean network,
        Boolean userNamespace,
        List<String> capAdd,
        List<String> capDrop,
        List<String> secrets,
        List<String> envSecrets) {

    /** Without secrets. */
    public RunRequest(String target, List<String> command, String name, List<String> env, List<Volume> volumes,
                      List<String> ports, Long memoryBytes, Long pids, Integer cpuWeight, Double cpus, String restart,
                      Boolean network, Boolean userNamespace, List<String> capAdd, List<String> capDrop) {
        this(target, command, name, env, volumes, ports, memoryBytes, pids, cpuWeight, cpus, restart, network, userNamespace,
                capAdd, capDrop, null, null);
    }

    public RunRequest(String target, List<String> command, String name, List<String> env, List<Volume> volumes,
                      List<String> ports, Long memoryBytes, Long pids, Integer cpuWeight, Double cpus, String restart,
                      Boolean network) {
        this(target, command, name, env, volumes, ports, memoryBytes, pids, cpuWeight, cpus, restart, network, null);
    }

    public RunRequest(String target, List<String> command, String name, List<String> env, List<Volume> volumes,
                      List<String> ports, Long memoryBytes, Long pids, Integer cpuWeight, Double cpus, String restart,
                      Boolean network, Boolean userNamespace) {
        this(target, command, name, env, volumes, ports, memoryBytes, pids, cpuWeight, cpus, restart, network, userNamespace, null, null);
    }

    public RunRequest {
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? List.of() : List.copyOf(env);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        ports = ports == null ? List.of() : List.copyOf(ports);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        envSecrets = envSecrets == null ? List.of() : List.copyOf(envSecrets);
    }

    /** A bind mount; read-only unless readOnly is false (spec §1.1: default read-only). */
    public record Volume(String source, String target, Boolean readOnly) {}
}
