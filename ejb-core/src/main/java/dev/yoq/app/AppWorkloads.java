package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import dev.yoq.runtime.RunRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a release's workloads into container requests (pure but for the paths it is given): an app container is
 * named {@code <app>-<workload>} (so a node never runs two of one service, and the resolver also answers to
 * {@code <workload>} and {@code <workload>.<app>}), with the workload's limits, ports and mounts.
 */
public final class AppWorkloads {
    static final Pattern CONTAINER_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private AppWorkloads() {}

    /**
     * Where an app's named volumes are (spec §3.15): local → {@code <data>/volumes/<app>/<name>}, host and parallel →
     * their path, nfs → {@code <data>/mounts/nfs/<app>/<name>} (the helper mounts the export there).
     */
    public record Volumes(Path dataRoot, List<Manifest.VolumeDecl> declared) {
        public Path path(String app, String name) {
            Manifest.VolumeDecl v = declared.stream().filter(d -> d.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AppException(AppException.Kind.INVALID, "volume " + name + " is not declared in [volume." + name + "]"));
            return switch (v.driver()) {
                case "host", "parallel" -> Path.of(v.path());
                case "nfs" -> dataRoot.resolve("mounts").resolve("nfs").resolve(segment("app", app)).resolve(segment("volume", name));
                default -> dataRoot.resolve("volumes").resolve(segment("app", app)).resolve(segment("volume", name));
            };
        }
    }

    /** The declared volumes, plus a {@code local} one for each named volume a workload mounts without declaring it. */
    public static List<Manifest.VolumeDecl> declaredOrLocal(Manifest m) {
        java.util.Map<String, Manifest.VolumeDecl> all = new java.util.LinkedHashMap<>();
        m.volumes().forEach(v -> all.put(v.name(), v));
        java.util.stream.Stream.of(m.services().stream().map(Manifest.Service::common), m.workers().stream().map(Manifest.Worker::common),
                        m.crons().stream().map(Manifest.Cron::common), m.trainingJobs().stream().map(Manifest.TrainingJob::common))
                .flatMap(s -> s)
                .flatMap(c -> c.volumes().stream())
                .filter(mount -> "named".equals(mount.kind()))
                .forEach(mount -> all.putIfAbsent(mount.source(), new Manifest.VolumeDecl(mount.source(), "local", null, null, null)));
        return List.copyOf(all.values());
    }

    static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    /** A name that becomes a directory under the data directory: never a path of its own ("..", "a/b"). */
    static String segment(String what, String name) {
        if (!SEGMENT.matcher(name).matches() || name.contains("..")) {
            throw new AppException(AppException.Kind.INVALID, what + " name " + name
                    + " cannot name a directory (1-128 of A-Z a-z 0-9 . _ -, starting with a letter or digit, no ..)");
        }
        return name;
    }

    public static String containerName(String app, String workload) {
        String name = dev.yoq.manifest.AppNames.container(app, workload);
        if (!CONTAINER_NAME.matcher(name).matches()) {
            throw new AppException(AppException.Kind.INVALID, "app " + app + ", workload " + workload + ": its container is named "
                    + name + ", which must be 1-63 characters of A-Z a-z 0-9 and -");
        }
        return name;
    }

    /**
     * Replica {@code index} of a service for release {@code releaseId}: named {@code <app>-<service>-<index>-<release
     * prefix>} (unique per release, so a resumed rollout finds what it started, and old and new replicas of one
     * index can run side by side), hostname {@code <service>-<index>}. No ports: the service publishes them once
     * for all its replicas, through its VIP.
     */
    public static RunRequest replica(String app, Manifest.Service s, Volumes volumes, int index, String releaseId) {
        RunRequest r = request(app, s.name(), s.common(), List.of(), s.restart(), (long) s.memoryLimitMb() << 20, s.cpuLimit(), volumes);
        String name = replicaName(app, s.name(), index, releaseId);
        return new RunRequest(r.target(), r.command(), name, r.env(), r.volumes(), r.ports(), r.memoryBytes(), r.pids(), r.cpuWeight(),
                r.cpus(), r.restart(), r.network(), r.userNamespace(), r.capAdd(), r.capDrop(), r.secrets(), r.envSecrets());
    }

    public static String replicaName(String app, String service, int index, String releaseId) {
        String name = containerName(app, service) + "-" + index + "-" + releaseId.substring(0, Math.min(6, releaseId.length()));
        if (!CONTAINER_NAME.matcher(name).matches()) {
            throw new AppException(AppException.Kind.INVALID, "app " + app + ", service " + service + ": its replica is named " + name
                    + ", which must be 1-63 characters of A-Z a-z 0-9 and -");
        }
        return name;
    }

    public static String replicaHostname(String service, int index) {
        return service + "-" + index;
    }

    /** The index a replica's hostname carries ({@code web-3} → 3); a container from before replicas counts as 1. */
    public static int replicaIndex(String hostname, String service) {
        if (hostname != null && hostname.startsWith(service + "-")) {
            try {
                return Integer.parseInt(hostname.substring(service.length() + 1));
            } catch (NumberFormatException ignored) {
                // not a replica hostname
            }
        }
        return 1;
    }

    /** A worker or cron run: one-shot, never restarted; the original's worker limits (cpu 1000, memory 256 MiB). */
    public static RunRequest oneShot(String app, String name, Manifest.Common common, Volumes volumes) {
        return request(app, name, common, List.of(), "none", 256L << 20, 1000, volumes);
    }

    private static RunRequest request(String app, String name, Manifest.Common c, List<String> ports, String restart,
                                      long memoryBytes, long cpuMillis, Volumes volumes) {
        List<RunRequest.Volume> mounts = new ArrayList<>();
        for (Manifest.Mount m : c.volumes()) {
            String source = "named".equals(m.kind()) ? volumes.path(app, m.source()).toString() : m.source();
            mounts.add(new RunRequest.Volume(source, m.target(), m.readOnly()));
        }
        return new RunRequest(c.image(), c.command(), containerName(app, name), c.env(), mounts, ports, memoryBytes, null,
                null, cpuMillis / 1000.0, restart, true, c.userns() ? Boolean.TRUE : null, c.capAdd(), c.capDrop(), c.secrets(), c.envSecrets());
    }
}
