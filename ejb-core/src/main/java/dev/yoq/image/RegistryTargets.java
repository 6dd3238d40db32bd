package dev.yoq.image;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which hosts the server may be asked to fetch from as a "registry" (the hardening issue): a token holder must
 * not turn {@code yoq tags} or {@code pull} into a probe of the cloud metadata service (link-local addresses)
 * or of the server's own API. A registry named in {@code yoq.registries.allow} is the operator's choice and
 * passes. Pure: the caller resolves the name.
 */
public final class RegistryTargets {
    public static final String ALLOW_PROPERTY = "yoq.registries.allow";

    private RegistryTargets() {}

    /**
     * @param registry  host[:port] as the user wrote it
     * @param resolved  the addresses the host resolves to (empty when it does not resolve: the request then fails
     *                  on its own)
     * @param ownPorts  the ports this server listens on
     * @param isLocal   whether an address belongs to this machine
     */
    public static Optional<String> refusal(String registry, List<InetAddress> resolved, Set<Integer> ownPorts,
                                           java.util.function.Predicate<InetAddress> isLocal, Set<String> allowed) {
        if (allowed.contains(registry)) return Optional.empty();
        int port = port(registry);
        for (InetAddress a : resolved) {
            if (a.isLinkLocalAddress()) {
                return Optional.of("registry " + registry + " resolves to the link-local address " + a.getHostAddress()
                        + ", which yoq does not fetch from (add it to " + ALLOW_PROPERTY + " if it really is a registry)");
            }
            if ((a.isAnyLocalAddress() || a.isLoopbackAddress() || isLocal.test(a)) && ownPorts.contains(port)) {
                return Optional.of("registry " + registry + " is this yoq server's own port " + port + ", not a registry");
            }
        }
        return Optional.empty();
    }

    /**
     * The check of every further hop a registry sends the server to (a redirect, a bearer challenge's token realm,
     * an upload location): a host resolving to a link-local address is refused unless allowed. Resolves the name.
     */
    public static void checkHop(java.net.URI uri, Set<String> allowed) throws java.io.IOException {
        String host = uri.getHost();
        if (host == null) throw new java.io.IOException("the registry sent the server to " + uri + ", which names no host");
        String hostPort = uri.getPort() < 0 ? host : (host.contains(":") ? "[" + host + "]" : host) + ":" + uri.getPort();
        if (allowed.contains(hostPort) || allowed.contains(host)) return;
        List<InetAddress> resolved;
        try {
            resolved = List.of(InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host));
        } catch (java.net.UnknownHostException e) {
            return;   // the request itself fails naming the host
        }
        for (InetAddress a : resolved) {
            if (a.isLinkLocalAddress()) {
                throw new java.io.IOException("the registry sent the server to " + uri.getScheme() + "://" + hostPort
                        + ", a link-local address (" + a.getHostAddress() + "); refused (" + ALLOW_PROPERTY + " can allow it)");
            }
        }
    }

    /** The port a registry is reached on: the one given, else 443 (loopback registries speak HTTP on 80). */
    static int port(String registry) {
        int colon = registry.lastIndexOf(':');
        int bracket = registry.lastIndexOf(']');
        if (colon > bracket && colon < registry.length() - 1) {
            try {
                return Integer.parseInt(registry.substring(colon + 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return 443;
    }

    /** The host part of host[:port] (brackets of an IPv6 literal removed). */
    static String host(String registry) {
        int bracket = registry.lastIndexOf(']');
        if (registry.startsWith("[") && bracket > 0) return registry.substring(1, bracket);
        int colon = registry.lastIndexOf(':');
        return colon > 0 ? registry.substring(0, colon) : registry;
    }

    /** A login's registry as host[:port]: a scheme and a trailing slash are taken off; anything else is refused. */
    public static String normalize(String text) {
        if (text == null) throw new IllegalArgumentException("registry: must be a host[:port]");
        String r = text.strip().replaceFirst("(?i)^https?://", "");
        while (r.endsWith("/")) r = r.substring(0, r.length() - 1);
        if (!r.matches(RegistrySettings.HOST)) {
            throw new IllegalArgumentException("registry: must be a host[:port] such as registry.example.com or 127.0.0.1:5000, got " + text);
        }
        return r;
    }
}
