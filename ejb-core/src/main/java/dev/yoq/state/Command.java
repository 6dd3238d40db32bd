package dev.yoq.state;

import dev.yoq.node.protocol.PortMapping;
import java.util.List;
import java.util.Map;

/**
 * A change to durable, cluster-visible state. Commands are immutable and carry everything they need, including
 * the time, so that applying the same sequence to any database gives the same result (a Raft log can replay
 * them later). {@code R} is what applying the command returns to the submitter.
 */
public sealed interface Command<R> {

    /** The first start of a node: records its identity. Refused if the database already belongs to a node. */
    record RegisterNode(String nodeId, String role, String hostname, String version, long at)
            implements Command<String> {
    }

    /** A server process started on this node; returns how many starts the node has recorded. */
    record RecordServerStart(String nodeId, String version, long at) implements Command<Long> {
    }

    /** One audit trail entry; returns its id. */
    record RecordAudit(String actor, String action, String target, String outcome, long at)
            implements Command<Long> {
    }

    /**
     * A container this node will run; refused when the id or the name is taken, or a published port is. With
     * {@code bridged}, it takes the lowest free bridge address in the same step (a lease lives exactly as long as
     * the container row). Returns the id.
     */
    /** {@code subnet}: the node's container subnet its address is leased from (null: the default 10.42.0.0/16). */
    record CreateContainer(String id, String name, String rootfs, String image, String command, String hostname,
                           String specJson, String restartPolicy, boolean bridged, List<PortMapping> ports,
                           Workload workload, long at, String subnet)
            implements Command<String> {
        public CreateContainer {
            ports = ports == null ? List.of() : List.copyOf(ports);
        }

        public CreateContainer(String id, String name, String rootfs, String image, String command, String hostname,
                               String specJson, String restartPolicy, boolean bridged, List<PortMapping> ports, Workload workload, long at) {
            this(id, name, rootfs, image, command, hostname, specJson, restartPolicy, bridged, ports, workload, at, null);
        }

        public CreateContainer(String id, String name, String rootfs, String image, String command, String hostname,
                               String specJson, String restartPolicy, boolean bridged, List<PortMapping> ports, long at) {
            this(id, name, rootfs, image, command, hostname, specJson, restartPolicy, bridged, ports, null, at, null);
        }

        public CreateContainer(String id, String name, String rootfs, String image, String command, String hostname,
                               String specJson, String restartPolicy, long at) {
            this(id, name, rootfs, image, command, hostname, specJson, restartPolicy, false, List.of(), null, at);
        }
    }

    /** Which app workload a container runs: from which release, with which effective config hash. */
    /**
     * The app workload a container runs. A service's replica also becomes an endpoint of the service's VIP, in
     * {@code endpointState} (active, or standby for a blue/green set waiting for its switch).
     */
    record Workload(String app, String kind, String name, String releaseId, String configHash, String endpointState) {
        public Workload(String app, String kind, String name, String releaseId, String configHash) {
            this(app, kind, name, releaseId, configHash, null);
        }
    }

    /**
     * An app's service exists: its VIP is taken (lowest free in {@code vipSubnet}) on first sight and kept after,
     * its published ports are reserved for it (refused, naming the owner, when a container or another service
     * has one), its desired replica count, HTTP routes (the snapshot's JSON array), TLS domain and mTLS posture
     * ({@code tls.peer}) recorded. Returns the VIP.
     */
    record EnsureService(String app, String workload, List<PortMapping> ports, int replicas, String vipSubnet,
                         String httpRoutesJson, String tlsDomain, String tlsPeer, long at) implements Command<String> {
        public EnsureService {
            ports = ports == null ? List.of() : List.copyOf(ports);
            httpRoutesJson = httpRoutesJson == null ? "[]" : httpRoutesJson;
            tlsPeer = tlsPeer == null ? "off" : tlsPeer;
        }

        public EnsureService(String app, String workload, List<PortMapping> ports, int replicas, String vipSubnet,
                             String httpRoutesJson, String tlsDomain, long at) {
            this(app, workload, ports, replicas, vipSubnet, httpRoutesJson, tlsDomain, "off", at);
        }

        /** A service without HTTP routes or TLS. */
        public EnsureService(String app, String workload, List<PortMapping> ports, int replicas, String vipSubnet, long at) {
            this(app, workload, ports, replicas, vipSubnet, "[]", null, "off", at);
        }
    }

    /** The registry name of an app's service ({@code <app>-<service>}: the name its single container had before replicas). */
    static String serviceName(String app, String workload) {
        return app + "-" + workload;
    }

    /** The service is gone from its app: its VIP and ports are released (its containers were removed before). */
    record RemoveService(String app, String workload) implements Command<Void> {
    }

    /**
     * Endpoints change admin state together, in one transaction (a blue/green switch is one such command): endpoint
     * id → active, standby or draining. Unknown endpoints are refused. Returns how many changed.
     */
    record SetEndpointStates(String service, java.util.Map<String, String> states, long at) implements Command<Integer> {
        public SetEndpointStates {
            states = java.util.Map.copyOf(states);
        }
    }

    /**
     * The helper reported the container running with this host pid since {@code at}. Ignored when that very run
     * has already been recorded as ended (a fast exit's event can overtake the start's answer). Returns the
     * restart count.
     */
    record RecordContainerStarted(String id, int pid, boolean restart, long at) implements Command<Integer> {
    }

    /**
     * The container ended (or could not start: exitCode null, reason set). The status follows from the
     * container's desired state and the outcome; returns it.
     */
    record RecordContainerEnded(String id, Integer exitCode, Integer signal, boolean oomKilled, String reason,
                                Long startedAt, long at)
            implements Command<String> {
    }

    /** A user asked for the container to stay stopped (stop) or to run (start, restart). */
    record SetContainerDesiredState(String id, String desiredState) implements Command<Void> {
    }

    /** The container is gone from the node; its record goes too. Refused while it runs. */
    record RemoveContainer(String id) implements Command<Void> {
    }

    /** The secrets a container was given, by name: {@code files} under /run/secrets, {@code env} as {@code VAR=name}. */
    record SetContainerSecrets(String containerId, List<String> files, List<String> env) implements Command<Void> {
        public SetContainerSecrets {
            files = List.copyOf(files);
            env = List.copyOf(env);
        }
    }

    /** An image tag was pulled: its row is created or brought up to date (a re-pull moves the tag). Returns the id. */
    record RecordImage(String id, String registry, String repository, String tag, String reference, String manifestDigest,
                       String configDigest, long totalSize, String layersJson, String configJson, long at)
            implements Command<String> {
    }

    /** Untags an image; refused while a container made from it exists. */
    record RemoveImage(String id) implements Command<Void> {
    }

    /** Sets the rule from source to target (replacing its action if one exists) and audits it. Returns the action. */
    record SetPolicy(String source, String target, String action, String actor, long at) implements Command<String> {
    }

    /**
     * Stores a secret sealed by {@code dev.yoq.security.SecretCipher} (base64 of nonce, ciphertext and tag; never the
     * value), creating or replacing it; returns true when it was new. Audits {@code action} ({@code secret_set},
     * {@code secret_rotate}) with the secret's name only.
     */
    record PutSecret(String name, String nonce, String ciphertext, String tag, int keyId, String action, String actor, long at)
            implements Command<Boolean> {
    }

    /**
     * A cluster's secrets keyset, encrypted under the servers' derived key (base64), made or replaced: applied only when
     * the keyset on record has primary key {@code expectedPrimaryKeyId} (0: none yet), so two servers making the first
     * one, or rotating at once, cannot overwrite each other; the loser is refused and reads the winner's.
     */
    record PutSecretKeyset(String encryptedKeyset, int primaryKeyId, int expectedPrimaryKeyId, String actor, long at)
            implements Command<Void> {
        @Override
        public String toString() {
            return "PutSecretKeyset[primary=" + Integer.toUnsignedString(primaryKeyId) + "]";
        }
    }

    /**
     * The service CA, made once (refused when there is one): its certificate and its private key sealed by the
     * secrets cipher (base64 of nonce, ciphertext, tag). Replicated: on a cluster the servers share the keyset that
     * seals it, so every server holds the one CA.
     */
    record PutServiceCa(String certPem, String nonce, String ciphertext, String tag, int keyId, long notAfter, long at)
            implements Command<Void> {
        @Override
        public String toString() {
            return "PutServiceCa[notAfter=" + notAfter + "]";
        }
    }

    /** A service's mTLS leaf, new or replacing the one it had; its key sealed as the CA's is. Node-local. */
    record PutServiceCert(String service, String certPem, String nonce, String ciphertext, String tag, int keyId, long notAfter, long at)
            implements Command<Void> {
        @Override
        public String toString() {
            return "PutServiceCert[" + service + ", notAfter=" + notAfter + "]";
        }
    }

    /** Forgets the leaves of services that are gone; returns how many. */
    record PruneServiceCerts() implements Command<Integer> {
    }

    /** Removes a secret (refused when there is none) and audits {@code secret_delete}. */
    record RemoveSecret(String name, String actor, long at) implements Command<Void> {
    }

    /**
     * A named API token: only the SHA-256 (hex) of its secret, its scopes (comma-separated) and its expiry (epoch ms,
     * null: never). Refused when the name or the hash is taken. Audits {@code token_create}.
     */
    record CreateToken(String name, String secretHash, String scopes, Long expiresAt, String actor, long at)
            implements Command<Void> {
    }

    /** Revokes a named token (refused when unknown or revoked already); audits {@code token_revoke}. */
    record RevokeToken(String name, String actor, long at) implements Command<Void> {
    }

    /** Drops audit entries recorded before {@code before} and all but the newest {@code keep}; returns how many went. */
    record PruneAudit(long before, int keep) implements Command<Integer> {
    }

    /** Removes the rule from source to target (refused when there is none) and audits it. */
    record RemovePolicy(String source, String target, String actor, long at) implements Command<Void> {
    }

    /**
     * A new release of an app (status pending, control active). Any release of the app still pending or in
     * progress is superseded by it. Audited as app_apply or app_rollback. Returns the id.
     */
    record CreateRelease(String id, String app, String trigger, String sourceReleaseId, String manifestHash,
                         String snapshotJson, String actor, long at) implements Command<String> {
    }

    /**
     * A rollout step finished: the release's status, message, counts, targets and checkpoint. Refused when the
     * release was superseded meanwhile (a stale rollout must not write over the new one's story).
     */
    record RecordRolloutProgress(String releaseId, String status, String message, int completed, int failed,
                                 String failureDetailsJson, String targetsJson, String checkpointJson)
            implements Command<Void> {
    }

    /** pause / resume / cancel of a release's rollout: its control state becomes paused, active or cancel_requested. */
    record SetRolloutControl(String releaseId, String controlState) implements Command<Void> {
    }

    /** Keeps the newest {@code keep} releases of an app (and the ones still needed); returns how many went. */
    record CompactReleases(String app, int keep) implements Command<Integer> {
    }

    /** A worker or cron run began (outcome running), or a cron run was skipped (outcome skipped). */
    record RecordWorkloadRun(String id, String app, String kind, String name, String releaseId, String containerId,
                             String outcome, String message, long at) implements Command<String> {
    }

    /** A worker or cron run got its container. */
    record SetWorkloadRunContainer(String id, String containerId) implements Command<Void> {
    }

    /** A worker or cron run ended. */
    record FinishWorkloadRun(String id, String outcome, Integer exitCode, String message, long at) implements Command<Void> {
    }

    /** {@code yoq down}: the app stays down (no crons after a restart) until its next release. */
    record MarkAppDown(String app, long at) implements Command<Void> {
    }

    /** An app's named volume exists at this path (created, or its definition changed). */
    record EnsureVolume(String app, String name, String driver, String path, long at) implements Command<Void> {
    }

    /**
     * A checked certificate for a domain (chain and PKCS#8 key as PEM, leaf expiry in epoch seconds, source manual
     * or acme): inserted, or replacing the domain's current one, whose {@code created_at} it keeps.
     */
    record PutCertificate(String domain, String certPem, String keyPem, long notAfter, String source, long at)
            implements Command<Void> {
        /** Without the PEMs: a command may end up in a log or an error message, the key must not. */
        @Override
        public String toString() {
            return "PutCertificate[domain=" + domain + ", notAfter=" + notAfter + ", source=" + source + ", at=" + at + "]";
        }
    }

    /** The domain's certificate goes; returns whether there was one. */
    record RemoveCertificate(String domain) implements Command<Boolean> {
    }

    /**
     * The ACME settings (JSON) the domain's certificate was obtained with, for its renewals; refused when the domain
     * has no certificate (the settings go with it).
     */
    record PutAcmeConfig(String domain, String configJson, long at) implements Command<Void> {
    }

    /**
     * An email's ACME account: its key pair (PEM) is stored on first use and never replaced, later commands only
     * record where it was used ({@code directoryUrl}, {@code accountUrl} when known). Returns the stored key PEM,
     * which is the one to use.
     */
    record PutAcmeAccount(String email, String directoryUrl, String keyPem, String accountUrl, long at) implements Command<String> {
        /** Without the key: a command may end up in a log or an error message. */
        @Override
        public String toString() {
            return "PutAcmeAccount[email=" + email + ", directoryUrl=" + directoryUrl + ", accountUrl=" + accountUrl + ", at=" + at + "]";
        }
    }

    // --- the cluster's agents (replicated; dev.yoq.cluster.agent) ---

    /**
     * Registers an agent (spec §5.3) under the id its submitter drew. With a WireGuard key, apply gives it the
     * lowest free node id, its overlay address and container subnet, and a {@code wireguard_peers} row. Audited
     * {@code agent_register}. {@code tokenHash}: the SHA-256 (hex) of the agent's own token; the token itself never
     * enters the log.
     */
    record RegisterAgent(String id, String address, int agentApiPort, int cpuCores, long memoryMb, String wgPublicKey,
                         int wgListenPort, String role, String region, String labels, int gpuCount, long gpuVramMb,
                         String gpuModel, long at, String tokenHash) implements Command<AgentRegistered> {
    }

    /** What registering gave: the id, and the node id and overlay address when the agent sent a WireGuard key. */
    record AgentRegistered(String id, Integer nodeId, String overlayIp) {
    }

    /** One agent's heartbeat (spec §5.3), as the server received it. */
    record Heartbeat(String agentId, int cpuCores, long memoryMb, long cpuUsed, long memoryUsedMb, int containers,
                     int gpuCount, int gpuUsed, String gpuHealth, long at) {
    }

    /**
     * The heartbeats the leader buffered, as one entry: each known agent's resources and last heartbeat are
     * updated and an offline one is active again (draining stays). Unknown agents are skipped. Returns how many
     * were recorded.
     */
    record RecordHeartbeats(List<Heartbeat> heartbeats) implements Command<Integer> {
    }

    /** Drains an agent (the scheduler places nothing new on it); audited {@code agent_drain}. Returns the new status. */
    record DrainAgent(String id, String actor, long at) implements Command<String> {
    }

    /**
     * The leader's offline rule: these agents go offline and their pending and running work becomes pending,
     * unplaced; only those still active and silent since {@code silentBefore} (a heartbeat written meanwhile wins).
     */
    record MarkAgentsOffline(List<String> ids, long silentBefore, long at) implements Command<Integer> {
    }

    /** Agents offline since before {@code offlineBefore} are deleted, with their finished assignments and WireGuard peer. */
    record ForgetAgents(List<String> ids, long offlineBefore) implements Command<Integer> {
    }

    /** Replaces an agent's labels ({@code k=v,k2=v2}, checked by the caller). */
    record SetAgentLabels(String id, String labels) implements Command<Void> {
    }

    /**
     * One replica of work for an agent: placed on {@code agentId}, or unplaced ({@code ''}) with why in {@code reason}.
     * {@code requiredLabels} is the k=v CSV the scheduler matched, {@code details} the run details' JSON (null in
     * entries written before schema 12: none).
     */
    record NewAssignment(String id, String agentId, String image, String command, long cpuLimit, long memoryLimitMb,
                         String appName, String workloadKind, String workloadName, String releaseId, String replaces,
                         String reason, String requiredLabels, String details) {
    }

    /** An unplaced assignment the scheduler found a node for. */
    record Placement(String id, String agentId) {
    }

    /**
     * The scheduler's pass as one entry: new assignments inserted (pending), unplaced ones placed (only those still
     * pending and unplaced: a move decided on an older view is dropped), and why the rest still wait. Returns how many
     * rows changed.
     */
    record PlaceAssignments(List<NewAssignment> created, List<Placement> placed, Map<String, String> stillWaiting, long at)
            implements Command<Integer> {
    }

    /**
     * An agent's report on one of its assignments ({@code running}, {@code stopped}, {@code failed}); refused when the
     * assignment is not that agent's (it was moved away meanwhile). Returns the status recorded. {@code at}: when the
     * report was taken, kept as the run's finish time for {@code stopped} and {@code failed} (null in entries written
     * before it was carried: no finish time). {@code ip}: where a service's replica runs on its agent, sent with
     * {@code running} (the other nodes' VIPs send to it); null keeps the address on record.
     */
    record ReportAssignment(String agentId, String id, String status, String reason, Long at, String ip) implements Command<String> {
        public ReportAssignment(String agentId, String id, String status, String reason, Long at) {
            this(agentId, id, status, reason, at, null);
        }

        public ReportAssignment(String agentId, String id, String status, String reason) {
            this(agentId, id, status, reason, null, null);
        }
    }

    /** Removes assignments (a release replaced, a drained agent's work taken over, an app down); returns how many. */
    record RemoveAssignments(List<String> ids) implements Command<Integer> {
    }
}
