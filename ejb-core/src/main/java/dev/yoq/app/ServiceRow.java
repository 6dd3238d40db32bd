package dev.yoq.app;

import dev.yoq.model.ContainerRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One row of {@code GET /v1/status} (spec §2.2), plus yoq's {@code app} and {@code alerts}. Pure. */
final class ServiceRow {
    private ServiceRow() {}

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
