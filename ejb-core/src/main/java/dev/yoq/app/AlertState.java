package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One service's alerts (the user guide's {@code [service.x.alerts]}) as a pure state machine over samples: a
 * threshold breached in {@code consecutive} samples in a row fires once; it fires again only after a sample
 * without the breach. CPU % and memory % (of the service's limit) and the restart count are measured on a
 * single node; p99 latency and error rate come from yoq-proxy's counters over the sample's window (the service's
 * traffic through the proxy: no traffic in a window, no value then).
 */
public final class AlertState {
    /** One evaluation's measurements; null: not known this time. */
    public record Sample(Double cpuPercent, Double memoryPercent, Integer restarts, Double latencyP99Ms, Double errorRatePercent) {
        public Sample(Double cpuPercent, Double memoryPercent, Integer restarts) {
            this(cpuPercent, memoryPercent, restarts, null, null);
        }
    }

    /** A threshold as the status shows it, and whether it fires now. */
    public record Metric(String name, double threshold, Double value, int breaches, boolean firing, boolean measured) {}

    /** An alert that has just fired (what the webhook gets). */
    public record Firing(String metric, double value, double threshold, int consecutive) {}

    private final Map<String, Metric> metrics = new LinkedHashMap<>();

    public AlertState(Manifest.Alerts alerts) {
        put(alerts.cpuPercent(), "cpu_percent", true);
        put(alerts.memoryPercent(), "memory_percent", true);
        put(alerts.restartCount() == null ? null : alerts.restartCount().doubleValue(), "restart_count", true);
        put(alerts.latencyP99Ms(), "latency_p99_ms", false);   // until the proxy has seen traffic
        put(alerts.errorRatePercent(), "error_rate_percent", false);
    }

    private void put(Double threshold, String name, boolean measured) {
        if (threshold != null) metrics.put(name, new Metric(name, threshold, null, 0, false, measured));
    }

    /** Takes one sample; returns the alerts that fire with it. */
    public List<Firing> observe(Sample s, int consecutive) {
        List<Firing> fired = new ArrayList<>();
        for (Metric m : List.copyOf(metrics.values())) {
            Double value = switch (m.name()) {
                case "cpu_percent" -> s.cpuPercent();
                case "memory_percent" -> s.memoryPercent();
                case "restart_count" -> s.restarts() == null ? null : s.restarts().doubleValue();
                case "latency_p99_ms" -> s.latencyP99Ms();
                case "error_rate_percent" -> s.errorRatePercent();
                default -> null;
            };
            if (value == null) continue;
            boolean breach = m.name().equals("restart_count") ? value >= m.threshold() : value > m.threshold();
            int breaches = breach ? m.breaches() + 1 : 0;
            boolean firing = breach && (m.firing() || breaches >= consecutive);
            if (firing && !m.firing()) fired.add(new Firing(m.name(), value, m.threshold(), consecutive));
            metrics.put(m.name(), new Metric(m.name(), m.threshold(), value, breaches, firing, true));
        }
        return fired;
    }

    public List<Metric> metrics() { return List.copyOf(metrics.values()); }
}
