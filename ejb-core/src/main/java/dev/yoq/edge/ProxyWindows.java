package dev.yoq.edge;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-service latency and error rate between two readings of yoq-proxy's cumulative counters: what the services'
 * {@code alerts.latency_p99_ms} and {@code alerts.error_rate_percent} are judged on. A service's traffic is every
 * request the proxy sent it as a backend (all routes, mirrors left out). p99 is the upper bound of the histogram
 * bucket holding the 99th percentile of the window; the error rate counts 5xx answers per request (upstream
 * failures, connect errors, timeouts and invalid answers, are recorded as 502/504 answers, so they are among them). A service without requests in the window has no value.
 * Pure: readings in, values out.
 */
public final class ProxyWindows {
    /** One service's window. */
    public record Window(long requests, double errorRatePercent, Double latencyP99Ms) {}

    /** Cumulative counters of one backend service, summed over routes. */
    record Totals(long requests, long errors, TreeMap<Long, Long> buckets) {}

    private Map<String, Totals> previous = Map.of();

    /** Takes a reading (the helper's stats document); returns each service's window since the last reading. */
    public Map<String, Window> next(JsonNode stats) {
        Map<String, Totals> now = totals(stats);
        Map<String, Window> out = new HashMap<>();
        now.forEach((service, t) -> {
            Totals before = previous.get(service);
            if (before == null || t.requests() < before.requests()) return;   // first sight, or the proxy restarted
            long requests = t.requests() - before.requests();
            if (requests <= 0) return;
            long errors = Math.max(0, t.errors() - before.errors());
            out.put(service, new Window(requests, Math.min(100.0, errors * 100.0 / requests), p99(t.buckets(), before.buckets())));
        });
        previous = now;
        return out;
    }

    static Map<String, Totals> totals(JsonNode stats) {
        Map<String, Totals> out = new HashMap<>();
        for (Iterator<JsonNode> routes = stats.path("routes").elements(); routes.hasNext(); ) {
            for (Iterator<Map.Entry<String, JsonNode>> b = routes.next().path("backend_traffic").fields(); b.hasNext(); ) {
                var e = b.next();
                JsonNode t = e.getValue();
                // upstream failures are recorded as 5xx answers too (502/504): the 5xx count holds both
                long errors = t.path("responses").path("5xx").asLong();
                TreeMap<Long, Long> buckets = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> k = t.path("latency").path("buckets").fields(); k.hasNext(); ) {
                    var bucket = k.next();
                    String le = bucket.getKey().substring(3);
                    buckets.put(le.equals("inf") ? Long.MAX_VALUE : Long.parseLong(le), bucket.getValue().asLong());
                }
                out.merge(e.getKey(), new Totals(t.path("requests").asLong(), errors, buckets), ProxyWindows::add);
            }
        }
        return out;
    }

    private static Totals add(Totals a, Totals b) {
        TreeMap<Long, Long> buckets = new TreeMap<>(a.buckets());
        b.buckets().forEach((k, v) -> buckets.merge(k, v, Long::sum));
        return new Totals(a.requests() + b.requests(), a.errors() + b.errors(), buckets);
    }

    /** The bucket bound under which 99 % of the window's answers fell (the last finite bound doubled for the rest). */
    static Double p99(TreeMap<Long, Long> now, TreeMap<Long, Long> before) {
        TreeMap<Long, Long> window = new TreeMap<>();
        now.forEach((k, v) -> window.put(k, Math.max(0, v - before.getOrDefault(k, 0L))));
        long total = window.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) return null;
        long rank = (long) Math.ceil(0.99 * total), seen = 0, lastFinite = 0;
        for (var e : window.entrySet()) {
            if (e.getKey() != Long.MAX_VALUE) lastFinite = e.getKey();
            seen += e.getValue();
            if (seen >= rank) return (double) (e.getKey() == Long.MAX_VALUE ? lastFinite * 2 : e.getKey());
        }
        return (double) lastFinite * 2;
    }
}
