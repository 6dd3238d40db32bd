package dev.yoq.proxy.route;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Which replica of a service takes a request: round robin over the service's upstream addresses (the server sends
 * only ready replicas, so health is already followed), skipping endpoints whose circuit is open and those a retry
 * already tried. Circuits are kept per {@code service|address} across configurations, so a reload neither forgets
 * an open circuit nor trips a fresh one.
 */
public final class Endpoints {
    private final Map<String, CircuitBreaker> circuits = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public Endpoints(LongSupplier clockMs) {
        this.clock = clockMs;
    }

    /**
     * The next endpoint of {@code service} for a request of this route, or null when none may take it (none ready,
     * or every one open or tried). A half-open endpoint's single probe is taken here.
     */
    public String pick(String service, List<String> addresses, long openMs, Set<String> tried) {
        if (addresses == null || addresses.isEmpty()) return null;
        int start = Math.floorMod(cursors.computeIfAbsent(service, k -> new AtomicInteger()).getAndIncrement(), addresses.size());
        long now = clock.getAsLong();
        for (int i = 0; i < addresses.size(); i++) {
            String a = addresses.get((start + i) % addresses.size());
            if (tried.contains(a)) continue;
            if (circuit(service, a).tryAcquire(now, openMs)) return a;
        }
        return null;
    }

    public CircuitBreaker circuit(String service, String address) {
        return circuits.computeIfAbsent(service + "|" + address, k -> new CircuitBreaker());
    }

    /** True when the failure tripped the circuit open. */
    public boolean failed(String service, String address, int threshold) {
        return circuit(service, address).failure(clock.getAsLong(), threshold);
    }

    public void succeeded(String service, String address) {
        circuit(service, address).success();
    }

    /** Circuits that are not closed now, as {@code service|address → state}, for stats. */
    public Map<String, String> openCircuits() {
        Map<String, String> out = new java.util.TreeMap<>();
        circuits.forEach((k, c) -> {
            if (c.state() != CircuitBreaker.State.CLOSED) out.put(k, c.state().name().toLowerCase(java.util.Locale.ROOT));
        });
        return out;
    }

    /** Forgets endpoints no longer in any service (bounded memory across many releases). */
    public void retain(Map<String, List<String>> upstreams) {
        circuits.keySet().removeIf(k -> {
            int bar = k.indexOf('|');
            List<String> now = upstreams.get(k.substring(0, bar));
            return now == null || !now.contains(k.substring(bar + 1));
        });
        cursors.keySet().retainAll(upstreams.keySet());
    }
}
