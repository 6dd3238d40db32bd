package dev.yoq.manifest;

import java.util.List;

/**
 * A loaded app manifest. Workloads keep declaration order; {@link ManifestRules#startOrder} gives the services'
 * dependency order. Durations are seconds, sizes MiB, CPU millicores. Optional parts are null when absent.
 */
public record Manifest(String appName, List<Service> services, List<Worker> workers, List<Cron> crons,
                       List<TrainingJob> trainingJobs, List<VolumeDecl> volumes, Backup backup) {

    public Manifest {
        services = List.copyOf(services);
        workers = List.copyOf(workers);
        crons = List.copyOf(crons);
        trainingJobs = List.copyOf(trainingJobs);
        volumes = List.copyOf(volumes);
    }

    public int workloadCount() {
        return services.size() + workers.size() + crons.size() + trainingJobs.size();
    }

    /** What every workload kind shares (spec §3.4). */
    /**
     * What every workload has. {@code capAdd}/{@code capDrop} change the kept capability set (yoq's keys, see
     * {@code dev.yoq.node.protocol.Capabilities}); {@code userns} runs container root as an unprivileged host uid.
     */
    public record Common(String image, List<String> command, List<String> env, List<Mount> volumes,
                         String workingDir, List<String> capAdd, List<String> capDrop, boolean userns,
                         List<String> secrets, List<String> envSecrets) {
        public Common {
            capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
            capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
            secrets = secrets == null ? List.of() : List.copyOf(secrets);
            envSecrets = envSecrets == null ? List.of() : List.copyOf(envSecrets);
        }

        public Common(String image, List<String> command, List<String> env, List<Mount> volumes,
                      String workingDir, List<String> capAdd, List<String> capDrop, boolean userns) {
            this(image, command, env, volumes, workingDir, capAdd, capDrop, userns, List.of(), List.of());
        }

        public Common(String image, List<String> command, List<String> env, List<Mount> volumes, String workingDir) {
            this(image, command, env, volumes, workingDir, List.of(), List.of(), false);
        }

        /** The same workload with other mounts and image (paths made absolute). */
        public Common with(String otherImage, List<Mount> otherVolumes) {
            return new Common(otherImage, command, env, otherVolumes, workingDir, capAdd, capDrop, userns, secrets, envSecrets);
        }
    }

    /** {@code SOURCE:TARGET[:ro|:rw]}; a source starting with /, ./ or ../ is a bind mount, else a named volume. */
    public record Mount(String source, String target, String kind, boolean readOnly) {
    }

    public record PortMapping(int hostPort, int containerPort) {
    }

    public record KeyValue(String key, String value) {
    }

    public record Service(String name, Common common, List<PortMapping> ports, List<String> dependsOn,
                          String restart, HealthCheck healthCheck, Rollout rollout, Tls tls,
                          List<HttpRoute> httpRoutes, Gpu gpu, GpuMesh gpuMesh, int replicas, int cpuLimit,
                          int memoryLimitMb, List<String> requiredLabels, Alerts alerts) {
    }

    public record HealthCheck(String kind, String path, Integer port, String service, List<String> command,
                              long interval, long timeout, long retries, long startPeriod) {
    }

    public record Rollout(String strategy, long parallelism, long delayBetweenBatches, String failureAction,
                          long healthCheckTimeout) {
        public static final Rollout DEFAULT = new Rollout("rolling", 1, 0, "rollback", 0);
    }

    public record Tls(String domain, String peer, Acme acme) {
    }

    public record Acme(String email, String directoryUrl, String challenge, AcmeDns dns) {
    }

    public record AcmeDns(String provider, List<KeyValue> secrets, List<KeyValue> config, List<String> hook,
                          long propagationTimeoutSecs, long pollIntervalSecs) {
    }

    public record HttpRoute(String name, String host, String pathPrefix, String rewritePrefix,
                            List<String> matchMethods, List<KeyValue> matchHeaders, List<Backend> backendServices,
                            String mirrorService, long retries, long connectTimeoutMs, long requestTimeoutMs,
                            long http2IdleTimeoutMs, boolean preserveHost, boolean retryOn5xx,
                            long circuitBreakerThreshold, long circuitBreakerTimeoutMs) {
    }

    public record Backend(String serviceName, long weight) {
    }

    public record Gpu(long count, String model, Long vramMinMb) {
    }

    public record GpuMesh(long worldSize, long gpusPerRank, long masterPort) {
    }

    /** Thresholds of the user guide's alerts; a breach fires after {@code consecutive} evaluations in a row. */
    public record Alerts(Double cpuPercent, Double memoryPercent, Long restartCount, Double latencyP99Ms,
                         Double errorRatePercent, String webhook, long consecutive) {
    }

    public record Worker(String name, Common common, List<String> dependsOn, Gpu gpu, GpuMesh gpuMesh,
                         List<String> requiredLabels) {
    }

    public record Cron(String name, Common common, long every) {
    }

    public record TrainingJob(String name, Common common, long gpus, String gpuType, long cpuLimit,
                              long memoryLimitMb, boolean ibRequired, long spareRanks, boolean autoRestart,
                              long maxRestarts, TrainingData data, Checkpoint checkpoint) {
    }

    public record TrainingData(String dataset, String sharding, String preprocessing) {
    }

    public record Checkpoint(String path, long intervalSecs, long keep) {
    }

    /** {@code [volume.<name>]}: driver local (default), host (path), nfs (server, path, options), parallel (path). */
    public record VolumeDecl(String name, String driver, String path, String server, String options) {
    }

    public record Backup(long every, String outputDir, boolean encrypt) {
    }
}
