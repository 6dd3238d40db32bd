package dev.yoq.cli;

import dev.yoq.manifest.Manifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent's reconcile step (spec §5.3, once per heartbeat cycle) as a pure function of its assignments and the
 * containers its node's server runs: what to start, what to report, what to remove. An assignment's container is
 * named {@code a<assignment id>-<agent id>-<workload>}, so a restarted agent (same id) finds its containers again and
 * removes those whose assignment was taken away; other containers, an operator's or another agent's, are left alone.
 */
final class AgentWork {
    private static final Pattern OURS = Pattern.compile("a([0-9a-f]{12})-([0-9a-f]{12})(-.*)?");

    private AgentWork() {}

    /**
     * What the container gets besides image, command and limits (spec §5.3's assignment fields); {@code secrets} and
     * {@code envSecrets} name secrets, whose copies on this node {@link AgentSecretsSync} keeps.
     */
    record Details(List<String> env, List<String> capAdd, List<String> capDrop, boolean userNamespace, Manifest.HealthCheck healthCheck,
                   List<Volume> volumes, List<String> secrets, List<String> envSecrets) {
        static final Details NONE = new Details(List.of(), List.of(), List.of(), false, null, List.of());

        Details(List<String> env, List<String> capAdd, List<String> capDrop, boolean userNamespace, Manifest.HealthCheck healthCheck) {
            this(env, capAdd, capDrop, userNamespace, healthCheck, List.of());
        }

        Details(List<String> env, List<String> capAdd, List<String> capDrop, boolean userNamespace, Manifest.HealthCheck healthCheck,
                List<Volume> volumes) {
            this(env, capAdd, capDrop, userNamespace, healthCheck, volumes, List.of(), List.of());
        }
    }

    /**
     * A named volume the work mounts at {@code target}: its app and declaration ({@code driver}, and {@code path},
     * {@code server}, {@code options} where the driver has them) and whether it is mounted read-only, readied by the
     * node's server before the start.
     */
    record Volume(String app, String name, String target, String driver, String path, String server, String options, boolean readOnly) {}

    /** {@code oneShot}: a worker's or cron's run (not restarted, kept after it ended); else a service's replica. */
    record Assignment(String id, String status, String image, String command, long cpuLimit, long memoryLimitMb,
                      String workloadName, Details details, boolean oneShot) {
        Assignment(String id, String status, String image, String command, long cpuLimit, long memoryLimitMb,
                   String workloadName, Details details) {
            this(id, status, image, command, cpuLimit, memoryLimitMb, workloadName, details, false);
        }

        Assignment(String id, String status, String image, String command, long cpuLimit, long memoryLimitMb, String workloadName) {
            this(id, status, image, command, cpuLimit, memoryLimitMb, workloadName, Details.NONE);
        }
    }

    /**
     * A container of the node's server: {@code status} created, running, exited (0), failed (restarting), stopped;
     * {@code health} the agent's verdict of its check ({@code starting}, {@code healthy}, {@code unhealthy}; null
     * without a check).
     */
    record Local(String id, String name, String status, Integer exitCode, int restarts, String health) {
        Local(String id, String name, String status, Integer exitCode, int restarts) {
            this(id, name, status, exitCode, restarts, null);
        }
    }

    /** Restarts after which a crashing replica counts as failed (the server would keep restarting it). */
    static final int FAILED_AFTER_RESTARTS = 3;

    sealed interface Action permits Start, Report, Remove {}

    record Start(Assignment assignment, String name) implements Action {}

    record Report(String assignmentId, String status, String reason) implements Action {}

    record Remove(String containerId, boolean running) implements Action {}

    static String containerName(Assignment a, String agentId) {
        String name = "a" + a.id() + "-" + agentId + (a.workloadName() == null || a.workloadName().isBlank() ? "" : "-" + a.workloadName());
        name = name.length() > 63 ? name.substring(0, 63) : name;
        while (name.endsWith("-")) name = name.substring(0, name.length() - 1);
        return name;
    }

    static List<Action> plan(List<Assignment> assignments, List<Local> local, String agentId) {
        return plan(assignments, local, agentId, Set.of());
    }

    /**
     * {@code formerIds}: ids this agent had before it registered again (the servers forgot it): their containers'
     * work was placed elsewhere meanwhile, so they are removed.
     */
    static List<Action> plan(List<Assignment> assignments, List<Local> local, String agentId, Set<String> formerIds) {
        Map<String, Local> byAssignment = new HashMap<>();
        List<Action> actions = new ArrayList<>();
        for (Local c : local) {
            String aid = assignmentOf(c.name(), agentId);
            if (aid != null) byAssignment.put(aid, c);
            else if (formerIds.stream().anyMatch(old -> assignmentOf(c.name(), old) != null)) actions.add(new Remove(c.id(), "running".equals(c.status())));
        }
        Set<String> listed = new HashSet<>();
        for (Assignment a : assignments) {
            listed.add(a.id());
            Local c = byAssignment.get(a.id());
            boolean wanted = "pending".equals(a.status()) || "running".equals(a.status());
            if (!wanted) {   // an ended worker run keeps its container (its logs) while the run is on record
                if (c != null && !a.oneShot()) actions.add(new Remove(c.id(), "running".equals(c.status())));
            } else if (c == null && a.oneShot() && "running".equals(a.status())) {   // a run is never started twice
                actions.add(new Report(a.id(), "failed", "its container is gone from the node"));
            } else if (c == null) {
                actions.add(new Start(a, containerName(a, agentId)));
            } else {
                actions.addAll(a.oneShot() ? followRun(a, c) : follow(a, c));
            }
        }
        for (Map.Entry<String, Local> e : byAssignment.entrySet()) {
            if (!listed.contains(e.getKey())) actions.add(new Remove(e.getValue().id(), "running".equals(e.getValue().status())));
        }
        return actions;
    }

    /**
     * A wanted assignment whose container exists: report it running once it runs and its health check (if any)
     * passed, failed once the check failed its retries in a row (the leader places a replacement); a crashing one is restarted by
     * the server (restart on-failure) and counts as failed after {@link #FAILED_AFTER_RESTARTS}; one that exited 0
     * or was stopped on the node will not come back: reported and removed.
     */
    private static List<Action> follow(Assignment a, Local c) {
        switch (c.status()) {
            case "running":
                if ("starting".equals(c.health())) return List.of();   // running only once its check passed
                if ("unhealthy".equals(c.health())) return List.of(new Report(a.id(), "failed", failedCheck(a.details().healthCheck().retries())));
                return "running".equals(a.status()) ? List.of() : List.of(new Report(a.id(), "running", null));
            case "failed":
                return c.restarts() < FAILED_AFTER_RESTARTS ? List.of() : List.of(new Report(a.id(), "failed",
                        (c.exitCode() == null ? "the container crashed" : "exited with code " + c.exitCode()) + " after " + c.restarts() + " restarts"));
            case "exited":
                return List.of(new Report(a.id(), "stopped", "exited with code 0"), new Remove(c.id(), false));
            case "stopped":
                return List.of(new Report(a.id(), "stopped", "stopped on the node"), new Remove(c.id(), false));
            default:   // created: starting
                return List.of();
        }
    }

    /**
     * A worker's or cron's run (restart policy no): running while its container runs, then stopped when it exited 0, failed
     * with its exit code otherwise, or when it was stopped on the node before it ended. The container stays.
     */
    private static List<Action> followRun(Assignment a, Local c) {
        return switch (c.status()) {
            case "running" -> "running".equals(a.status()) ? List.of() : List.of(new Report(a.id(), "running", null));
            case "exited" -> List.of(new Report(a.id(), "stopped", "exited with code 0"));
            case "failed" -> List.of(new Report(a.id(), "failed", c.exitCode() == null || c.exitCode() == 0
                    ? "the container was killed (out of memory or a signal)" : "exited with code " + c.exitCode()));
            case "stopped" -> List.of(new Report(a.id(), "failed", "stopped on the node before it ended"));
            default -> List.of();   // created: starting
        };
    }

    static String failedCheck(long retries) {
        return "health check failed " + (retries <= 1 ? "once" : retries + " times in a row");
    }

    /** The assignment id in the name of a container this agent made, or null for any other container. */
    static String assignmentOf(String name, String agentId) {
        if (name == null) return null;
        Matcher m = OURS.matcher(name);
        return m.matches() && m.group(2).equals(agentId) ? m.group(1) : null;
    }
}
