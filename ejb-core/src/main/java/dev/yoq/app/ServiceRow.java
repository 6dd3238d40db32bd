package dev.yoq.app;

import dev.yoq.model.ContainerRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code GET /v1/status} (spec §2.2) per service, its replicas added up (running/desired, cpu and
 * memory summed, the worst health, the longest uptime), plus yoq's {@code app}, {@code alerts} and {@code replicas}.
 * Pure.
 */
final class ServiceRow {
    private ServiceRow() {}

    /** A replica's facts as the row needs them. */
    record Replica(ContainerRecord container, ServiceMonitor.Sample sample, String health, List<AlertState.Metric> alerts) {}

    static Map<String, Object> of(List<Replica> replicas, int desired) {
        Replica first = replicas.get(0);
        Map<String, Object> row = of(first.container(), first.sample(), first.health(), first.alerts());
        int running = 0, restarts = 0;
        double cpu = 0;
        long memory = 0, uptime = 0;
        String health = null;
        List<Object> alerts = new ArrayList<>();
        List<Map<String, Object>> list = new ArrayList<>();
        for (Replica r : replicas) {
            Map<String, Object> one = of(r.container(), r.sample(), r.health(), r.alerts());
            running += (int) one.get("running");
            cpu += (double) one.get("cpu_pct");
            memory += (long) one.get("memory_bytes");
            uptime = Math.max(uptime, (long) one.get("uptime_secs"));
            restarts += r.container().getRestartCount();
            health = worse(health, r.health());
            alerts.addAll((List<?>) one.get("alerts"));
            Map<String, Object> replica = new LinkedHashMap<>();
            replica.put("name", r.container().getName());
            replica.put("id", r.container().getId());
            replica.put("hostname", r.container().getHostname());
            replica.put("status", r.container().getStatus());
            replica.put("health", r.health());
            replica.put("ip", r.container().getIpAddress());
            list.add(replica);
        }
        row.put("status", running == 0 ? first.container().getStatus() : running >= desired ? "running" : "degraded");
        row.put("health", health);
        row.put("cpu_pct", Math.round(cpu * 10) / 10.0);
        row.put("memory_bytes", memory);
        row.put("running", running);
        row.put("desired", desired);
        row.put("uptime_secs", uptime);
        row.put("restart_count", restarts);
        row.put("alerts", alerts);
        row.put("replicas", list);
        return row;
    }

    /** unknown > unhealthy > starting > healthy > none. */
    static String worse(String a, String b) {
        List<String> order = List.of("unknown", "unhealthy", "starting", "healthy");
        if (a == null) return b;
        if (b == null) return a;
        return order.indexOf(a) <= order.indexOf(b) ? a : b;
    }

    static Map<String, Object> of(ContainerRecord c, ServiceMonitor.Sample s, String health, List<AlertState.Metric> alerts) {
        boolean running = "running".equals(c.getStatus());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", c.getWorkloadName());
        row.put("app", c.getAppName());
        row.put("status", c.getStatus());
        row.put("health", health);
        row.put("cpu_pct", running && s != null && s.cpuPercent() != null ? Math.round(s.cpuPercent() * 10) / 10.0 : 0.0);
        row.put("memory_bytes", running && s != null && s.memoryBytes() != null ? s.memoryBytes() : 0L);
        row.put("running", running ? 1 : 0);
        row.put("desired", "running".equals(c.getDesiredState()) ? 1 : 0);
        row.put("uptime_secs", running && c.getStartedAt() != null ? Math.max(0, (System.currentTimeMillis() - c.getStartedAt()) / 1000) : 0L);
        if (running && s != null && s.cpuPressure() != null) row.put("psi_cpu_some", s.cpuPressure());
        if (running && s != null && s.memoryPressure() != null) row.put("psi_mem_some", s.memoryPressure());
        row.put("restart_count", c.getRestartCount());
        List<Map<String, Object>> a = new ArrayList<>();
        for (AlertState.Metric m : alerts) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("metric", m.name());
            o.put("threshold", m.threshold());
            o.put("value", m.value());
            o.put("breaches", m.breaches());
            o.put("firing", m.firing());
            o.put("measured", m.measured());
            a.add(o);
        }
        row.put("alerts", a);
        return row;
    }
}
