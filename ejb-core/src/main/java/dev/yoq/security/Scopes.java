package dev.yoq.security;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The scope vocabulary of named API tokens and the scope each route needs (spec §1.7, §2.1), as pure functions.
 * {@code *} is the admin; {@code <resource>:read|write|*}; {@code cluster:admin}. Write implies read on the same
 * resource, read never implies write, and a route outside the table needs {@code *}.
 */
public final class Scopes {
    public static final String ADMIN = "*";
    public static final int MAX_SCOPES = 16;
    public static final List<String> RESOURCES = List.of("apps", "secrets", "policies", "certificates", "audit", "status",
            "services", "cluster", "agents", "containers", "images", "s3");

    private Scopes() {}

    /** The scopes as given (comma-separated or repeated), checked, deduplicated, in order; never empty. */
    public static List<String> parse(List<String> given) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String item : given == null ? List.<String>of() : given) {
            if (item == null) continue;
            for (String s : item.split(",")) {
                String scope = s.strip();
                if (scope.isEmpty()) continue;
                if (!valid(scope)) {
                    throw new IllegalArgumentException("invalid scope: " + scope + " (use *, cluster:admin, or <resource>:read|write|* for "
                            + String.join(", ", RESOURCES) + ")");
                }
                scopes.add(scope);
            }
        }
        if (scopes.isEmpty()) throw new IllegalArgumentException("at least one scope is required (--scope)");
        if (scopes.size() > MAX_SCOPES) throw new IllegalArgumentException("at most " + MAX_SCOPES + " scopes per token, got " + scopes.size());
        return new ArrayList<>(scopes);
    }

    public static boolean valid(String scope) {
        if (scope.equals(ADMIN) || scope.equals("cluster:admin")) return true;
        int colon = scope.indexOf(':');
        if (colon < 0) return false;
        String resource = scope.substring(0, colon);
        String level = scope.substring(colon + 1);
        return RESOURCES.contains(resource) && (level.equals("read") || level.equals("write") || level.equals("*"));
    }

    /** Whether a token holding {@code held} may act where {@code required} is needed. */
    public static boolean grants(List<String> held, String required) {
        if (held.contains(ADMIN) || held.contains(required)) return true;
        if (required.equals(ADMIN)) return false;
        int colon = required.indexOf(':');
        String resource = required.substring(0, colon);
        String level = required.substring(colon + 1);
        if (held.contains(resource + ":*")) return true;
        // write (and cluster:admin, the cluster's write) implies read on the same resource
        return level.equals("read") && (held.contains(resource + ":write") || held.contains(resource + ":admin"));
    }

    /** The scope a request needs (spec §2.1's table), from its method and its path without the leading slash. */
    public static String required(String method, String path) {
        boolean write = !(method.equals("GET") || method.equals("HEAD"));
        String p = "/" + path.toLowerCase(Locale.ROOT);
        if (p.matches("/v1/secrets/[^/]+/value")) return "secrets:read";   // reading a value back is a read, though a POST
        if (under(p, "/v1/secrets")) return level("secrets", write);
        if (under(p, "/v1/policies")) return level("policies", write);
        if (under(p, "/v1/certificates")) return level("certificates", write);
        if (under(p, "/v1/audit")) return "audit:read";
        if (under(p, "/v1/status") || under(p, "/v1/metrics")) return "status:read";
        if (under(p, "/v1/services")) return level("services", write);
        if (p.equals("/apps/dry-run")) return "apps:read";
        if (under(p, "/apps") || under(p, "/deploy")) return level("apps", write);
        if (under(p, "/cluster")) return write ? "cluster:admin" : "cluster:read";
        if (under(p, "/agents") || under(p, "/wireguard")) return level("agents", write);
        if (under(p, "/containers")) return level("containers", write);
        if (under(p, "/images") || under(p, "/registries") || under(p, "/transfers")) return level("images", write);
        if (under(p, "/s3")) return level("s3", write);
        return ADMIN;
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    private static String level(String resource, boolean write) {
        return resource + (write ? ":write" : ":read");
    }
}
