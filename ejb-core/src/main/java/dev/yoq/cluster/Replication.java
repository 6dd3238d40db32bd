package dev.yoq.cluster;

import dev.yoq.state.Command;
import java.util.List;
import java.util.Set;

/**
 * Which state a cluster shares and which stays one node's. Replicated tables are written only by replicated
 * commands, through the Raft log, on every server alike; a node's own tables (what runs on it, what it pulled,
 * what its API served) are written by node-local commands, on that node only, and never travel in a snapshot.
 *
 * <p>A replicated command must read nothing but replicated tables, or two servers would apply it differently; it
 * may append to the audit log, which is node-local (each server records what it applied and served).
 */
public final class Replication {
    private Replication() {}

    /** The tables every server holds alike: restored from a snapshot, compared by the cluster tests. */
    public static final List<String> REPLICATED_TABLES = List.of(
            "deployments", "workload_runs", "apps_down", "network_policies",
            "certificates", "certificate_acme_config", "acme_accounts", "secrets", "secret_keysets", "tokens", "cluster_ca",
            "agents", "assignments", "wireguard_peers", "cluster_services", "cluster_volumes",
            "raft_applied", "raft_commands");

    /** One node's own facts, kept when a snapshot from another server is installed. */
    public static final List<String> NODE_LOCAL_TABLES = List.of(
            "nodes", "audit_log", "containers", "ip_allocations", "port_mappings", "images", "volumes",
            "services", "service_endpoints", "container_secrets", "service_certs");

    private static final Set<Class<?>> REPLICATED_COMMANDS = Set.of(
            Command.SetPolicy.class, Command.RemovePolicy.class,
            Command.CreateRelease.class, Command.RecordRolloutProgress.class, Command.SetRolloutControl.class,
            Command.CompactReleases.class, Command.RecordWorkloadRun.class, Command.SetWorkloadRunContainer.class,
            Command.FinishWorkloadRun.class, Command.MarkAppDown.class,
            Command.PutCertificate.class, Command.RemoveCertificate.class, Command.PutAcmeConfig.class,
            Command.PutAcmeAccount.class, Command.PutSecret.class, Command.RemoveSecret.class, Command.PutSecretKeyset.class, Command.PutServiceCa.class,
            Command.CreateToken.class, Command.RevokeToken.class,
            Command.RegisterAgent.class, Command.RecordHeartbeats.class, Command.DrainAgent.class,
            Command.MarkAgentsOffline.class, Command.ForgetAgents.class, Command.SetAgentLabels.class,
            Command.PlaceAssignments.class, Command.ReportAssignment.class, Command.RemoveAssignments.class);

    /** Whether {@code command} goes through the cluster's log (true) or is applied on this node only. */
    public static boolean replicated(Command<?> command) {
        return REPLICATED_COMMANDS.contains(command.getClass());
    }
}
