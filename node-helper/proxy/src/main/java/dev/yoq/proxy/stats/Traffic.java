package dev.yoq.proxy.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one route, one backend of a route, or a mirror: requests, responses by status class, retries,
 * upstream failures (connect errors, timeouts, bad replies) and a latency histogram from which p50/p99 are read.
 * Lock-free (LongAdder): counted on the event loops, read by the control socket.
 */
public final class Traffic {
    /** Upper bounds of the latency buckets, ms; one more bucket holds the rest. */
    static final long[] BOUNDS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};

    private final LongAdder requests = new LongAdder(), retries = new LongAdder(), upstreamFailures = new LongAdder();
    private final LongAdder[] byClass = adders(6);
    private final LongAdder[] buckets = adders(BOUNDS_MS.length + 1);
    private final LongAdder latencySumMicros = new LongAdder();

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) a[i] = new LongAdder();
        return a;
    }

    public void request() {
        requests.increment();
    }

    public void retry() {
        retries.increment();
    }

    public void upstreamFailure() {
        upstreamFailures.increment();
    }

    public void response(int status, long nanos) {
        int c = status / 100;
        byClass[c >= 1 && c <= 5 ? c : 0].increment();
        long micros = nanos / 1000;
        latencySumMicros.add(micros);
        long ms = micros / 1000;
        int i = 0;
        while (i < BOUNDS_MS.length && ms >= BOUNDS_MS[i]) i++;
        buckets[i].increment();
    }

    /** The latency under which the fraction q of responses fell, ms (a bucket's upper bound); -1 with no responses. */
    public long quantileMs(double q) {
        long total = 0;
        long[] counts = new long[buckets.length];
        for (int i = 0; i < buckets.length; i++) total += counts[i] = buckets[i].sum();
        if (total == 0) return -1;
        long rank = (long) Math.ceil(q * total), seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return i < BOUNDS_MS.length ? BOUNDS_MS[i] : BOUNDS_MS[BOUNDS_MS.length - 1] * 2;
        }
        return BOUNDS_MS[BOUNDS_MS.length - 1] * 2;
    }

    public Map<String, Object> json() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("requests", requests.sum());
        Map<String, Long> responses = new LinkedHashMap<>();
        for (int c = 1; c <= 5; c++) responses.put(c + "xx", byClass[c].sum());
        o.put("responses", responses);
        o.put("retries", retries.sum());
        o.put("upstream_failures", upstreamFailures.sum());
        long count = 0;
        Map<String, Long> hist = new LinkedHashMap<>();
        for (int i = 0; i < buckets.length; i++) {
            long n = buckets[i].sum();
            count += n;
            hist.put(i < BOUNDS_MS.length ? "le_" + BOUNDS_MS[i] : "le_inf", n);
        }
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("count", count);
        latency.put("sum_ms", latencySumMicros.sum() / 1000.0);
        latency.put("p50_ms", quantileMs(0.50));
        latency.put("p99_ms", quantileMs(0.99));
        latency.put("buckets", hist);
        o.put("latency", latency);
        return o;
    }
}
