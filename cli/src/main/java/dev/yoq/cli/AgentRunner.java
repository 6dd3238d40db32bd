package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.app.HealthProbes;
import dev.yoq.app.HealthState;
import dev.yoq.manifest.Manifest;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an agent's assignments through its node's own yoq server (the same server and helper as a single node:
 * images, containers, limits): each cycle it reads the assignments, the server's containers, applies
 * {@link AgentWork#plan} and reports to the cluster what started, ended or failed to start.
 */
final class AgentRunner {
    private final ApiClient local;
    private final AgentSecretsSync secrets;
    /** The same server with an hour to answer: a start pulls the image first. */
    private final ApiClient starts;
    private final PrintStream out;
    private final PrintStream err;
    private String lastProblem;
    /** Ids this agent had before registering again: their containers go (their work was placed elsewhere). */
    private final java.util.Set<String> formerIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Each checked container's health, by container id (only the work thread touches it). */
    private final Map<String, Probe> probes = new java.util.HashMap<>();
    /** The address last reported again for each assignment by {@link #moved} (only the work thread touches it). */
    private final Map<String, String> sentAddress = new java.util.HashMap<>();
    /** Each assignment's container address at this cycle (sent with "running": other nodes' VIPs send to it). */
    private final Map<String, String> addresses = new java.util.HashMap<>();
    /** This agent's running containers at the last cycle, for the heartbeat's {@code containers}. */
    private volatile int running;

    /** A client of the same server per probe thread (a client holds one connection: it is not shared across threads). */
    private final ThreadLocal<ApiClient> probeClient;

    AgentRunner(ApiClient local, ApiClient starts, java.util.function.Supplier<ApiClient> probeClients, PrintStream out, PrintStream err) {
        this(local, starts, probeClients, out, err, null);
    }

    /** {@code secretsFile}: where the copies of cluster secrets this agent made are listed (null: not kept). */
    AgentRunner(ApiClient local, ApiClient starts, java.util.function.Supplier<ApiClient> probeClients, PrintStream out, PrintStream err,
                java.nio.file.Path secretsFile) {
        this.secrets = new AgentSecretsSync(secretsFile, out);
        this.local = local;
        this.starts = starts;
        this.probeClient = ThreadLocal.withInitial(probeClients);
        this.out = out;
        this.err = err;
    }

    /**
     * Reconciles every {@code periodMs} until the thread is interrupted: the cluster client (null: no server to read
     * from yet) and agent id are read afresh each time (the heartbeat loop follows the leader and may register
     * again); a leader named by a refused report goes to {@code leaderHint}.
     */
    void loop(java.util.function.Supplier<ApiClient> cluster, java.util.function.Supplier<String> agentId,
              java.util.function.Consumer<String> leaderHint, long periodMs) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                ApiClient leader = cluster.get();   // null until a server took a heartbeat
                String hint = leader == null ? null : cycle(leader, agentId.get());
                if (hint != null && !hint.isEmpty()) leaderHint.accept(hint);
            } catch (CliException | IllegalArgumentException e) {   // a server unreachable or electing: next cycle
                problem("assignments: " + e.getMessage());
            } catch (RuntimeException e) {   // a bug must not end the loop while the heartbeats go on
                problem("assignments: unexpected " + e);
            }
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One reconcile; returns the leader's address when a report was refused as not-leader (null otherwise). */
    String cycle(ApiClient cluster, String agentId) {
        List<AgentWork.Assignment> assignments = new ArrayList<>();
        Map<String, String> recorded = new java.util.HashMap<>();   // where the servers think each replica runs
        Map<String, Map<String, String>> secretVersions = new java.util.HashMap<>();
        for (JsonNode a : cluster.get("/agents/" + agentId + "/assignments").json()) {
            recorded.put(a.path("id").asText(), a.path("ip_address").asText(""));
            secretVersions.put(a.path("id").asText(), AgentSecretsSync.versions(a));
            assignments.add(new AgentWork.Assignment(a.path("id").asText(), a.path("status").asText(), a.path("image").asText(),
                    a.path("command").asText(""), a.path("cpu_limit").asLong(1000), a.path("memory_limit_mb").asLong(256),
                    a.path("workload_name").asText(null), details(a),
                    dev.yoq.cluster.work.Work.oneShot(a.path("workload_kind").asText(null))));
        }
        List<AgentWork.Local> containers;
        try {
            containers = localContainers(assignments, agentId);
        } catch (CliException e) {
            problem("cannot run assignments: this node's yoq server: " + e.getMessage());
            samples = List.of();   // nothing measured now: the heartbeat must not send old figures as new
            return null;
        }
        java.util.Set<String> assigned = new java.util.HashSet<>();
        assignments.forEach(a -> assigned.add(a.id()));
        running = (int) containers.stream().filter(c -> "running".equals(c.status()))
                .filter(c -> assigned.contains(AgentWork.assignmentOf(c.name(), agentId))).count();
        String leaderHint = null;
        long now = System.currentTimeMillis();
        java.util.Set<String> present = new java.util.HashSet<>();
        containers.forEach(c -> present.add(c.id()));
        drainingSince.keySet().retainAll(present);
        List<AgentWork.Action> actions = new ArrayList<>(AgentWork.plan(assignments, containers, agentId, java.util.Set.copyOf(formerIds)));
        actions.addAll(moved(assignments, containers, agentId, actions, recorded, addresses));
        // reports and removals first: a start may pull an image for minutes
        actions.sort(java.util.Comparator.comparing(a -> a instanceof AgentWork.Start));
        secrets.follow(cluster, local, agentId, assignments, actions, secretVersions, this::problem);
        for (AgentWork.Action action : actions) {
            if (action instanceof AgentWork.Start s) {
                try {
                    secrets.ensureForStart(cluster, local, agentId, s.assignment().id(), secretVersions.get(s.assignment().id()));
                    JsonNode made = starts.post("/containers", runBody(s, readyVolumes(starts, s.assignment().details().volumes()))).json();
                    out.println("started " + s.name() + " (" + made.path("id").asText() + ") for assignment " + s.assignment().id());
                } catch (CliException e) {
                    leaderHint = orHint(leaderHint, report(cluster, agentId, s.assignment().id(), "failed", "start failed: " + e.getMessage()));
                }
            } else if (action instanceof AgentWork.Report r) {
                leaderHint = orHint(leaderHint, report(cluster, agentId, r.assignmentId(), r.status(), r.reason(),
                        "running".equals(r.status()) ? addresses.get(r.assignmentId()) : null));
            } else if (action instanceof AgentWork.Remove r && drained(r, now)) {
                remove(r);
            }
        }
        lastProblem = null;
        return leaderHint;
    }

    /**
     * Replicas on record as running whose container now has another address than the one on record (recreated
     * after a node restart, or running since before addresses were reported): reported running again with it, or
     * every node's VIP would keep sending to the old address.
     */
    List<AgentWork.Action> moved(List<AgentWork.Assignment> assignments, List<AgentWork.Local> containers, String agentId,
                                 List<AgentWork.Action> planned, Map<String, String> recorded, Map<String, String> addresses) {
        java.util.Set<String> reported = new java.util.HashSet<>();
        planned.forEach(a -> {
            if (a instanceof AgentWork.Report r) reported.add(r.assignmentId());
        });
        java.util.Set<String> healthy = new java.util.HashSet<>();
        for (AgentWork.Local c : containers) {
            if ("running".equals(c.status()) && !"starting".equals(c.health()) && !"unhealthy".equals(c.health())) {
                healthy.add(AgentWork.assignmentOf(c.name(), agentId));
            }
        }
        List<AgentWork.Action> out = new ArrayList<>();
        for (AgentWork.Assignment a : assignments) {
            String current = addresses.get(a.id());
            if (a.oneShot() || !"running".equals(a.status()) || reported.contains(a.id()) || !healthy.contains(a.id()) || current == null
                    || current.equals(recorded.get(a.id())) || current.equals(sentAddress.get(a.id()))) continue;
            // once per address: the servers keep none for one outside this agent's subnet, and asking again every cycle
            // would be a Raft commit every 5 s
            sentAddress.put(a.id(), current);
            out.add(new AgentWork.Report(a.id(), "running", null));
        }
        sentAddress.keySet().retainAll(recorded.keySet());
        return out;
    }

    /**
     * A running container whose assignment went keeps running {@link #DRAIN_MS} first: other nodes' VIPs may still
     * send it new flows until their next table (every {@link AgentServices#PERIOD_MS}), and its open ones finish.
     */
    static final long DRAIN_MS = 5_000;
    private final Map<String, Long> drainingSince = new java.util.HashMap<>();

    boolean drained(AgentWork.Remove r, long now) {
        if (!r.running()) return true;
        Long since = drainingSince.putIfAbsent(r.containerId(), now);
        if (since == null) out.println("draining container " + r.containerId() + " (no longer assigned here): removed in " + DRAIN_MS / 1000 + " s");
        return since != null && now - since >= DRAIN_MS;
    }

    /** This agent registered again under a new id: the old id's containers are removed from the next cycle on. */
    void registeredAgain(String oldId) {
        formerIds.add(oldId);
    }

    int running() {
        return running;
    }

    /** What the last cycle measured of each replica's container, for the heartbeat ({@code replicas}). */
    private volatile List<Map<String, Object>> samples = List.of();
    /** Each replica container's last CPU reading: {usage ns, at ms}, for its CPU share between cycles. */
    private final Map<String, long[]> cpuReadings = new java.util.HashMap<>();

    List<Map<String, Object>> samples() {
        return samples;
    }

    /**
     * Measures the running replica containers (assignment id → container JSON): memory and CPU from the node's server
     * ({@code /containers/{id}/stats}), the CPU share from the change since the last cycle; one that cannot be read is
     * left out this time.
     */
    private void measure(Map<String, JsonNode> running) {
        List<Map<String, Object>> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        java.util.Set<String> seen = new java.util.HashSet<>();
        running.forEach((aid, c) -> {
            String id = c.path("id").asText();
            seen.add(id);
            try {
                JsonNode stats = local.get("/containers/" + id + "/stats").json();
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("id", aid);
                long usage = stats.path("cpu_usage_ns").asLong(-1);
                long[] before = cpuReadings.get(id);
                Double cpu = before == null || usage < 0 ? null : dev.yoq.app.CpuPercent.between(before[0], before[1], usage, now);
                if (usage >= 0) cpuReadings.put(id, new long[] {usage, now});
                if (cpu != null) sample.put("cpu_pct", Math.round(cpu * 10) / 10.0);
                sample.put("memory_bytes", Math.max(0, stats.path("memory_bytes").asLong(0)));
                long started = c.path("started_at").asLong(0);
                sample.put("uptime_secs", started > 0 ? Math.max(0, (now - started) / 1000) : 0);
                sample.put("restart_count", c.path("restart_count").asInt());
                out.add(sample);
            } catch (RuntimeException gone) {   // stopped meanwhile, or the server busy: the next cycle reads it again
            }
        });
        cpuReadings.keySet().retainAll(seen);
        samples = List.copyOf(out);
    }

    /** The node's containers, those of assignments with a health check probed when due (their verdict in {@code health}). */
    private List<AgentWork.Local> localContainers(List<AgentWork.Assignment> assignments, String agentId) {
        addresses.clear();
        Map<String, AgentWork.Assignment> byId = new java.util.HashMap<>();
        assignments.forEach(a -> byId.put(a.id(), a));
        List<AgentWork.Local> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        Map<String, JsonNode> replicas = new LinkedHashMap<>();
        for (JsonNode c : local.get("/containers").json()) {
            String id = c.path("id").asText(), name = c.path("name").asText(null), status = c.path("status").asText();
            int restarts = c.path("restart_count").asInt();
            AgentWork.Assignment a = byId.get(AgentWork.assignmentOf(name, agentId));
            String health = a == null || a.details().healthCheck() == null || !"running".equals(status) ? null
                    : health(id, c.path("ip").asText(""), restarts, a.details().healthCheck());
            seen.add(id);
            String aid = AgentWork.assignmentOf(name, agentId);
            if (aid != null && !c.path("ip").asText("").isEmpty()) addresses.put(aid, c.path("ip").asText());
            if (a != null && !a.oneShot() && "running".equals(status)) replicas.put(aid, c);
            out.add(new AgentWork.Local(id, name, status, c.hasNonNull("exit_code") ? c.path("exit_code").asInt() : null, restarts, health));
        }
        probes.keySet().retainAll(seen);
        measure(replicas);
        return out;
    }

    /**
     * A container's health: a finished probe is counted, a due one started on the probe threads (a check that hangs
     * must not hold up the reconcile: at most one probe per container is in flight); a restart starts its check
     * afresh.
     */
    private String health(String containerId, String ip, int restarts, Manifest.HealthCheck check) {
        HealthState.Check settings = new HealthState.Check(check.interval() * 1000, check.timeout() * 1000, (int) check.retries(),
                check.startPeriod() * 1000);
        long now = System.currentTimeMillis();
        Probe p = probes.get(containerId);
        if (p == null || p.restarts() != restarts) p = new Probe(restarts, HealthState.start(settings, now), null);
        if (p.running() != null && p.running().isDone()) {
            p = new Probe(restarts, p.state().after(Boolean.TRUE.equals(p.running().getNow(false)), settings, now, containerId), null);
        } else if (p.running() == null && now >= p.state().nextProbeAtMs()) {
            p = new Probe(restarts, p.state(), java.util.concurrent.CompletableFuture.supplyAsync(() -> HealthProbes.probe(check, ip,
                    command -> probeClient.get().post("/containers/" + containerId + "/exec", Map.of("command", command)).json()
                            .path("exit_code").asInt(-1)),
                    PROBES));
        }
        probes.put(containerId, p);
        return p.state().status();
    }

    /** A container's check: its state and the probe in flight (null when none). */
    private record Probe(int restarts, HealthState state, java.util.concurrent.CompletableFuture<Boolean> running) {}

    /** Two daemon threads run the agent's probes (HTTP, TCP and gRPC bounded by the check's timeout, exec by the API's). */
    private static final java.util.concurrent.ExecutorService PROBES = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "agent-probe");
        t.setDaemon(true);
        return t;
    });

    /** An assignment's run details as the servers serve them (absent fields: none). */
    static AgentWork.Details details(JsonNode a) {
        List<AgentWork.Volume> volumes = new ArrayList<>();
        for (JsonNode v : a.path("volumes")) {
            volumes.add(new AgentWork.Volume(a.path("app_name").asText(), v.path("name").asText(), v.path("target").asText(),
                    v.path("driver").asText("local"), v.path("path").asText(null), v.path("server").asText(null), v.path("options").asText(null),
                    v.path("read_only").asBoolean(false)));
        }
        return new AgentWork.Details(strings(a.path("env")), strings(a.path("cap_add")), strings(a.path("cap_drop")),
                a.path("user_namespace").asBoolean(false), dev.yoq.cluster.work.RunDetails.healthCheck(a), volumes,
                strings(a.path("secrets")), strings(a.path("env_secrets")));
    }

    /**
     * Each named volume readied by the node's server (a local one made in its data directory, an NFS export mounted),
     * as the bind mount the container gets: {@code {source: its path on this node, target}}.
     */
    static List<Map<String, Object>> readyVolumes(ApiClient local, List<AgentWork.Volume> volumes) {
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (AgentWork.Volume v : volumes) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("app", v.app());
            body.put("name", v.name());
            body.put("driver", v.driver());
            if (v.path() != null) body.put("path", v.path());
            if (v.server() != null) body.put("server", v.server());
            if (v.options() != null) body.put("options", v.options());
            String path = local.post("/v1/node/volumes", body).json().path("path").asText();
            mounts.add(Map.of("source", path, "target", v.target(), "read_only", v.readOnly()));
        }
        return mounts;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** The container an assignment asks for: its image, its command through {@code /bin/sh -c}, its limits and details. */
    static Map<String, Object> runBody(AgentWork.Start s) {
        return runBody(s, List.of());
    }

    /** {@code mounts}: the volumes as this node's server readied them ({@link #readyVolumes}). */
    static Map<String, Object> runBody(AgentWork.Start s, List<Map<String, Object>> mounts) {
        AgentWork.Assignment a = s.assignment();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target", a.image());
        body.put("command", a.command().isBlank() ? List.of() : List.of("/bin/sh", "-c", a.command()));
        body.put("name", s.name());
        body.put("restart", a.oneShot() ? "no" : "on-failure");   // a worker's or cron's run goes once, to its exit
        body.put("memory_bytes", Math.max(1, a.memoryLimitMb()) << 20);
        body.put("cpus", Math.max(1, a.cpuLimit()) / 1000.0);
        body.put("network", true);
        if (!a.details().secrets().isEmpty()) body.put("secrets", a.details().secrets());   // this node's copies (AgentSecretsSync)
        if (!a.details().envSecrets().isEmpty()) body.put("env_secrets", a.details().envSecrets());
        AgentWork.Details d = a.details();
        if (!d.env().isEmpty()) body.put("env", d.env());
        if (!d.capAdd().isEmpty()) body.put("cap_add", d.capAdd());
        if (!d.capDrop().isEmpty()) body.put("cap_drop", d.capDrop());
        if (d.userNamespace()) body.put("user_namespace", true);
        if (!mounts.isEmpty()) body.put("volumes", mounts);
        return body;
    }

    private String report(ApiClient cluster, String agentId, String assignmentId, String status, String reason) {
        return report(cluster, agentId, assignmentId, status, reason, null);
    }

    private String report(ApiClient cluster, String agentId, String assignmentId, String status, String reason, String ip) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        if (ip != null) body.put("ip", ip);
        if (reason != null) body.put("reason", reason.length() > 1000 ? reason.substring(0, 1000) : reason);
        ApiClient.Reply reply = cluster.postAnswer("/agents/" + agentId + "/assignments/" + assignmentId + "/status", body);
        if (reply.status() == 200) {
            out.println("assignment " + assignmentId + ": " + status + (reason == null ? "" : " (" + reason + ")"));
            return null;
        }
        JsonNode answer = reply.json();
        if (reply.status() == 400 && "not leader".equals(answer.path("error").asText())) return answer.path("leader").asText(null);
        err.println("report of assignment " + assignmentId + " refused (" + reply.status() + "): " + answer.path("error").asText());
        return null;
    }

    private void remove(AgentWork.Remove r) {
        try {
            if (r.running()) local.post("/containers/" + r.containerId() + "/stop", null);
            local.delete("/containers/" + r.containerId());
            out.println("removed container " + r.containerId() + " (no longer assigned here)");
        } catch (CliException e) {
            err.println("cannot remove container " + r.containerId() + ": " + e.getMessage() + " (next cycle tries again)");
        }
    }

    private static String orHint(String current, String next) {
        return current != null ? current : next;
    }

    /** A problem printed once, not every 5 s while it lasts. */
    private void problem(String message) {
        if (!message.equals(lastProblem)) err.println(message);
        lastProblem = message;
    }
}
