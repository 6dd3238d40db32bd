package dev.yoq.node.protocol;

import java.util.List;

/**
 * One service as the node's dataplane serves it: its VIP, the ports published on the host for it, and the
 * backends that may take new flows now (the server decided: running, healthy, not draining). Traffic to
 * {@code vip:p} goes to {@code backend:p}; a published {@code host:c} goes to {@code backend:c}. The helper
 * further leaves out backends whose container is not running on it at this moment.
 *
 * @param name     the registry name ({@code <app>-<service>}), also answered by DNS
 * @param aliases  further DNS names ({@code <service>}, {@code <service>.<app>})
 * @param backends container addresses taking new flows, at most {@link #MAX_BACKENDS}
 * @param members  every replica's address, draining or not yet healthy ones too: what a network policy naming
 *                 the service applies to
 */
public record ServiceVip(String name, List<String> aliases, String vip, List<PortMapping> ports, List<String> backends,
                         List<String> members) {
    /** The spec's limit (§6.6): a VIP balances over at most 64 backends. */
    public static final int MAX_BACKENDS = 64;
    /** A further DNS name of a service: letters, digits, '-' and '.', at most 127. */
    public static final java.util.regex.Pattern ALIAS = java.util.regex.Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,125}[A-Za-z0-9])?");

    public ServiceVip {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        ports = ports == null ? List.of() : List.copyOf(ports);
        backends = backends == null ? List.of() : List.copyOf(backends);
        members = members == null ? List.of() : List.copyOf(members);
    }
}
