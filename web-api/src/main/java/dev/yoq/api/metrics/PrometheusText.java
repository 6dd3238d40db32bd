package dev.yoq.api.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Gauge;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.Metric;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.Snapshot;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Renders MicroProfile metrics as Prometheus text (exposition format 0.0.4), the way Liberty's {@code /metrics}
 * names them: counters get {@code _total}, timers become {@code _seconds} summaries, every series carries its
 * {@code mp_scope}. Used by the token-protected {@code GET /v1/metrics?format=prometheus}.
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    public static void render(String scope, Map<MetricID, Metric> metrics, Function<String, Metadata> metadata,
                              StringBuilder out) {
        Map<String, Map<MetricID, Metric>> families = new TreeMap<>();
        metrics.forEach((id, m) -> families.computeIfAbsent(id.getName(), k -> new TreeMap<>()).put(id, m));
        families.forEach((name, series) -> family(scope, name, series, metadata.apply(name), out));
    }

    private static void family(String scope, String name, Map<MetricID, Metric> series, Metadata meta,
                               StringBuilder out) {
        String base = sanitize(name);
        Metric first = series.values().iterator().next();
        String exported = first instanceof Counter ? base + "_total" : first instanceof Timer ? base + "_seconds" : base;
        String help = meta == null ? "" : meta.description().orElse("");
        if (!help.isEmpty()) {
            out.append("# HELP ").append(exported).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                    .append('\n');
        }
        out.append("# TYPE ").append(exported).append(' ').append(type(first)).append('\n');
        series.forEach((id, metric) -> sample(scope, exported, id, metric, out));
    }

    private static String type(Metric m) {
        if (m instanceof Counter) {
            return "counter";
        }
        return m instanceof Histogram || m instanceof Timer ? "summary" : "gauge";
    }

    private static void sample(String scope, String name, MetricID id, Metric metric, StringBuilder out) {
        Map<String, String> labels = new TreeMap<>(id.getTags());
        labels.put("mp_scope", scope);
        if (metric instanceof Counter c) {
            line(out, name, labels, c.getCount());
        } else if (metric instanceof Gauge<?> g) {
            Object v = g.getValue();
            if (v instanceof Number n) {
                line(out, name, labels, n.doubleValue());
            }
        } else if (metric instanceof Timer t) {
            summary(out, name, labels, t.getSnapshot(), t.getCount(), t.getElapsedTime().toNanos() / 1e9, 1e-9);
        } else if (metric instanceof Histogram h) {
            summary(out, name, labels, h.getSnapshot(), h.getCount(), h.getSum(), 1);
        }
    }

    private static void summary(StringBuilder out, String name, Map<String, String> labels, Snapshot s, long count,
                                double sum, double scale) {
        for (Snapshot.PercentileValue p : s.percentileValues()) {
            Map<String, String> q = new TreeMap<>(labels);
            q.put("quantile", format(p.getPercentile()));
            line(out, name, q, p.getValue() * scale);
        }
        line(out, name + "_count", labels, count);
        line(out, name + "_sum", labels, sum);
        line(out, name + "_max", labels, s.getMax() * scale);
    }

    /** A label value as the text format wants it (backslash, quote and newline escaped). */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void line(StringBuilder out, String name, Map<String, String> labels, double value) {
        out.append(name).append('{');
        boolean firstLabel = true;
        for (var e : labels.entrySet()) {
            out.append(firstLabel ? "" : ",").append(sanitize(e.getKey())).append("=\"")
                    .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append('"');
            firstLabel = false;
        }
        out.append("} ").append(format(value)).append('\n');
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%.1f", v)
                : Double.toString(v);
    }

    static String sanitize(String name) {
        String s = name.replaceAll("[^a-zA-Z0-9_:]", "_");
        return Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }
}
