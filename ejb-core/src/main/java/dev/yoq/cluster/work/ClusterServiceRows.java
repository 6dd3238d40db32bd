package dev.yoq.cluster.work;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/status} rows for an app's services whose replicas run on agents, in the shape a single node's rows
 * have (spec §2.2): one row per service of the app's serving release, its replicas (and those of a release rolling
 * out beside it) counted from their assignments. Agents report no samples yet, so CPU, memory and uptime are 0; health is the agent's verdict where
 * the service has a check (a replica is reported running only once it passed). Pure.
 */
public final class ClusterServiceRows {
    private ClusterServiceRows() {}

    /**
     * The release whose replicas serve an app now: its id, a release rolling out beside it ({@code rolling}, null when
     * none: its replicas serve too, batch by batch) and each service's desired replica count (the rolling release's
     * when there is one).
     */
    public record Serving(String app, String releaseId, String rolling, Map<String, Integer> desired, Map<String, Boolean> checked) {
        public Serving(String app, String releaseId, Map<String, Integer> desired, Map<String, Boolean> checked) {
            this(app, releaseId, null, desired, checked);
        }

        boolean serves(String release) {
            return releaseId.equals(release) || (rolling != null && rolling.equals(release));
        }
    }

    public static List<Map<String, Object>> of(List<Serving> apps, List<Work> work) {
        return of(apps, work, Map.of(), 0);
    }

    /** {@code samples}: by assignment id, what agents measured; one counts only from the replica's own agent, and fresh at {@code nowMs}. */
    public static List<Map<String, Object>> of(List<Serving> apps, List<Work> work, Map<String, ReplicaSample> samples, long nowMs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Serving app : apps) {
            app.desired().forEach((service, desired) -> {
                List<Work> replicas = work.stream().filter(w -> app.app().equals(w.appName()) && service.equals(w.workloadName())
                        && app.serves(w.releaseId())).toList();
                out.add(row(app.app(), service, desired, Boolean.TRUE.equals(app.checked().get(service)), replicas, samples, nowMs));
            });
        }
        return out;
    }

    private static Map<String, Object> row(String app, String service, int desired, boolean checked, List<Work> replicas,
                                           Map<String, ReplicaSample> samples, long nowMs) {
        int running = (int) Math.min(desired, replicas.stream().filter(w -> "running".equals(w.status())).count());
        List<Map<String, Object>> list = new ArrayList<>();
        double cpu = 0;
        long memory = 0, uptime = 0;
        int restarts = 0;
        for (Work w : replicas) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", w.id());
            r.put("agent_id", w.agentId().isEmpty() ? null : w.agentId());
            r.put("status", w.status());
            r.put("health", checked ? health(w.status()) : null);
            if (w.reason() != null) r.put("status_reason", w.reason());
            ReplicaSample s = samples.get(w.id());
            if ("running".equals(w.status()) && s != null && s.agentId().equals(w.agentId()) && s.freshAt(nowMs)) {
                long up = s.uptimeSecs() + Math.max(0, nowMs - s.atMs()) / 1000;
                r.put("cpu_pct", s.cpuPct() == null ? 0.0 : Math.round(s.cpuPct() * 10) / 10.0);
                r.put("memory_bytes", s.memoryBytes());
                r.put("uptime_secs", up);
                cpu += s.cpuPct() == null ? 0 : s.cpuPct();
                memory += s.memoryBytes();
                uptime = Math.max(uptime, up);
                restarts += s.restarts();
            }
            list.add(r);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", service);
        row.put("app", app);
        row.put("status", running >= desired ? "running" : running > 0 ? "degraded" : replicas.stream().anyMatch(Work::live) ? "pending" : "failed");
        row.put("health", checked ? worst(replicas) : null);
        row.put("cpu_pct", Math.round(cpu * 10) / 10.0);
        row.put("memory_bytes", memory);
        row.put("running", running);
        row.put("desired", desired);
        row.put("uptime_secs", uptime);
        row.put("restart_count", restarts);
        row.put("alerts", List.of());
        row.put("replicas", list);
        row.put("on_agents", true);
        return row;
    }

    /** unhealthy > starting > healthy, as a single node's rows rank them; no replica yet: starting. */
    private static String worst(List<Work> replicas) {
        List<String> order = List.of("unhealthy", "starting", "healthy");
        return replicas.stream().map(w -> health(w.status())).min(java.util.Comparator.comparingInt(order::indexOf)).orElse("starting");
    }

    private static String health(String status) {
        return switch (status) {
            case "running" -> "healthy";
            case "pending" -> "starting";
            default -> "unhealthy";
        };
    }
}
