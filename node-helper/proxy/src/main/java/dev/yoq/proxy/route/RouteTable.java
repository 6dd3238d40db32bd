package dev.yoq.proxy.route;

import dev.yoq.proxy.config.EdgeConfig.Route;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Route selection across every service's routes (§3.9): the candidates are routes whose host equals the request's
 * (case-insensitive, any {@code :port} stripped), whose path prefix is a plain string prefix of the path, whose
 * methods (if any) include the method and whose headers all match exactly; the longest prefix wins, then more
 * header matches, then a narrower method set (an empty set is the widest), then the first defined. Pure.
 */
public final class RouteTable {
    private final List<Route> routes;

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /**
     * The route for a request, or null (404 route not found). {@code header} looks a request header up by its
     * lowercase name.
     */
    public Route select(String hostHeader, String path, String method, Function<String, String> header) {
        String host = hostOnly(hostHeader);
        Route best = null;
        for (Route r : routes) {
            if (!r.host().equalsIgnoreCase(host) || !path.startsWith(r.pathPrefix())) continue;
            if (!r.methods().isEmpty() && !r.methods().contains(method)) continue;
            if (!headersMatch(r.headers(), header)) continue;
            if (best == null || better(r, best)) best = r;
        }
        return best;
    }

    private static boolean better(Route r, Route best) {
        if (r.pathPrefix().length() != best.pathPrefix().length()) return r.pathPrefix().length() > best.pathPrefix().length();
        if (r.headers().size() != best.headers().size()) return r.headers().size() > best.headers().size();
        return width(r) < width(best);   // equal: the earlier one stays
    }

    private static int width(Route r) {
        return r.methods().isEmpty() ? Integer.MAX_VALUE : r.methods().size();
    }

    private static boolean headersMatch(Map<String, String> wanted, Function<String, String> header) {
        for (Map.Entry<String, String> h : wanted.entrySet()) {
            String v = header.apply(h.getKey());
            if (v == null || !v.trim().equals(h.getValue())) return false;
        }
        return true;
    }

    /** The Host header without its port (an IPv6 literal keeps its brackets), lowercased; "" when absent. */
    public static String hostOnly(String hostHeader) {
        if (hostHeader == null) return "";
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return (end < 0 ? h : h.substring(0, end + 1)).toLowerCase(Locale.ROOT);
        }
        int colon = h.indexOf(':');
        return (colon < 0 ? h : h.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    /** The upstream path: the matched prefix replaced by {@code rewrite_prefix} when the route has one. */
    public static String rewrite(Route r, String pathAndQuery) {
        if (r.rewritePrefix() == null) return pathAndQuery;
        String rest = pathAndQuery.substring(r.pathPrefix().length());
        String out = r.rewritePrefix() + rest;
        if (r.rewritePrefix().endsWith("/") && rest.startsWith("/")) out = r.rewritePrefix() + rest.substring(1);
        return out.isEmpty() ? "/" : out;
    }
}
