package dev.yoq.proxy.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's counters: listener-wide ones, and per route (keyed {@code service/route}) the route's traffic, each
 * backend service's, the mirror's. They live as long as the process; a route that leaves the configuration keeps
 * its counters until restart (they are small and a dashboard should not see a rate jump back).
 */
public final class ProxyStats {
    public final LongAdder accepted = new LongAdder(), refused = new LongAdder(), loopRejections = new LongAdder(),
            notFound = new LongAdder(), noUpstream = new LongAdder(), redirects = new LongAdder(),
            challenges = new LongAdder(), circuitTrips = new LongAdder(), limitBreaches = new LongAdder(),
            peerUnverified = new LongAdder();
    public final AtomicLong active = new AtomicLong();
    public final Traffic all = new Traffic();
    private final Map<String, RouteTraffic> routes = new ConcurrentHashMap<>();

    public RouteTraffic route(String key) {
        return routes.computeIfAbsent(key, k -> new RouteTraffic());
    }

    /** One route's counters. */
    public static final class RouteTraffic {
        public final Traffic traffic = new Traffic(), mirror = new Traffic();
        private final Map<String, Traffic> backends = new ConcurrentHashMap<>(), mirrorBackends = new ConcurrentHashMap<>();

        public Traffic backend(String service) {
            return backends.computeIfAbsent(service, k -> new Traffic());
        }

        public Traffic mirrorBackend(String service) {
            return mirrorBackends.computeIfAbsent(service, k -> new Traffic());
        }

        Map<String, Object> json() {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("traffic", traffic.json());
            o.put("backend_traffic", each(backends));
            o.put("mirror_traffic", mirror.json());
            o.put("mirror_backend_traffic", each(mirrorBackends));
            return o;
        }

        private static Map<String, Object> each(Map<String, Traffic> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, v) -> out.put(k, v.json()));
            return out;
        }
    }

    public Map<String, Object> json() {
        Map<String, Object> o = new LinkedHashMap<>();
        Map<String, Object> listener = new LinkedHashMap<>();
        listener.put("accepted_connections", accepted.sum());
        listener.put("active_connections", active.get());
        listener.put("refused_connections", refused.sum());
        listener.put("limit_breaches", limitBreaches.sum());
        o.put("listener", listener);
        o.put("traffic", all.json());
        o.put("loop_rejections", loopRejections.sum());
        o.put("route_not_found", notFound.sum());
        o.put("no_eligible_upstream", noUpstream.sum());
        o.put("https_redirects", redirects.sum());
        o.put("acme_challenges_served", challenges.sum());
        o.put("circuit_trips", circuitTrips.sum());
        o.put("mtls_unverified_requests", peerUnverified.sum());
        Map<String, Object> r = new TreeMap<>();
        routes.forEach((k, v) -> r.put(k, v.json()));
        o.put("routes", r);
        return o;
    }
}
