package dev.yoq.server;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.yoq.image.RegistrySettings;
import dev.yoq.node.protocol.DataLayout;
import dev.yoq.node.protocol.HostPaths;
import dev.yoq.node.protocol.NodeNames;
import dev.yoq.node.protocol.Wire;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings a server starts with, read from MicroProfile Config (system properties, environment, server.xml
 * variables). Each value is checked here so that a bad setting stops the start with a message naming it.
 *
 * @param layout    where the data lives ({@code yoq.data.dir}, else {@code YOQ_HOME}, else ~/.local/share/yoq)
 * @param role      {@code server} (consensus, API, scheduler) or {@code agent} ({@code yoq.role})
 * @param apiHost   the address the API listens on ({@code yoq.api.host}, default 127.0.0.1)
 * @param apiPort   the API port ({@code yoq.api.port}, default 7700)
 * @param registries the image registries' settings: plain-HTTP registries ({@code yoq.registries.insecure},
 *                  comma-separated host[:port]) and the platform picked from multi-arch indexes
 *                  ({@code yoq.image.platform}, default linux/amd64)
 * @param names     this node's bridge, subnet, nftables table, namespace prefix and cgroup parent
 *                  ({@code yoq.bridge}, {@code yoq.subnet}, ...: {@link NodeNames}); the server leases addresses
 *                  from the subnet, the helper started with the same settings owns the rest
 * @param hostPaths which host paths containers may mount ({@code yoq.host_paths.allow} adds prefixes); yoq's own
 *                  are the data directory, the helper socket's directory ({@code yoq.node.socket}) and the Liberty
 *                  runtime ({@code wlp.install.dir})
 * @param services  how services are served: {@code yoq.dns.returns_vip} ({@code YOQ_DNS_RETURNS_VIP}, default true:
 *                  DNS answers a service's name with its VIP; false: with its ready replicas' addresses) and
 *                  {@code yoq.services.drain_ms} (default 5000: how long a replica taken out of its VIP keeps its
 *                  flows before it is stopped)
 * @param edge      yoq-proxy's listeners: {@code yoq.proxy.address} (default 0.0.0.0), {@code yoq.proxy.http_port}
 *                  (default 17080: routes plain HTTP), {@code yoq.proxy.https_port} (default 443: TLS with SNI),
 *                  {@code yoq.proxy.acme_port} (default 80: HTTP-01 answers and redirects to HTTPS), each 0 to turn
 *                  it off; {@code yoq.proxy.tls12} (default false: TLS 1.3 only)
 * @param acme      certificate issuance: {@code yoq.acme.directory_url} (default Let's Encrypt production),
 *                  {@code yoq.acme.ca_pem} (a PEM file of extra CAs trusted for the ACME server's own TLS, e.g. a
 *                  test CA such as pebble's; default none), {@code yoq.acme.email} (else {@code YOQ_ACME_EMAIL};
 *                  the account email when a request names none)
 */
public record ServerSettings(DataLayout layout, String role, String apiHost, int apiPort, RegistrySettings registries,
                             HostPaths hostPaths, NodeNames names, Services services, Edge edge, Acme acme) {

    /** See {@code acme} above; {@code caPem} and {@code email} are null when not set. */
    public record Acme(String directoryUrl, Path caPem, String email) {
        public static final String LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
        public static final String LETS_ENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";
        public static final Acme DEFAULTS = new Acme(LETS_ENCRYPT, null, null);
    }

    /** See {@code edge} above. */
    public record Edge(String address, int httpPort, int httpsPort, int acmePort, boolean tls12) {
        public static final Edge DEFAULTS = new Edge("0.0.0.0", 17080, 443, 80, false);
    }

    /** See {@code services} above. */
    public record Services(boolean dnsReturnsVip, long drainMs) {
        public static final Services DEFAULTS = new Services(true, 5_000);
    }

    public static final int DEFAULT_API_PORT = 7700;

    public static ServerSettings from(Function<String, Optional<String>> config, Map<String, String> env,
                                      String userHome) {
        DataLayout layout = DataLayout.resolve(config.apply(DataLayout.DATA_DIR_PROPERTY).orElse(null), env, userHome);
        String role = config.apply("yoq.role").orElse("server").strip();
        if (!role.equals("server") && !role.equals("agent")) {
            throw new IllegalArgumentException("yoq.role: must be server or agent, got " + role);
        }
        String host = config.apply("yoq.api.host").orElse("127.0.0.1").strip();
        int port = parsePort(config.apply("yoq.api.port").orElse(String.valueOf(DEFAULT_API_PORT)));
        RegistrySettings registries = RegistrySettings.of(config.apply("yoq.registries.insecure").orElse(""),
                config.apply("yoq.image.platform").orElse(RegistrySettings.DEFAULT_PLATFORM),
                config.apply(dev.yoq.image.RegistryTargets.ALLOW_PROPERTY).orElse(""));
        HostPaths hostPaths = HostPaths.forNode(layout, Path.of(config.apply("yoq.node.socket").orElse(Wire.DEFAULT_SOCKET)),
                installDirs(config), config.apply(HostPaths.ALLOW_PROPERTY).orElse(""));
        NodeNames names = NodeNames.from(key -> config.apply(key).orElse(null));
        return new ServerSettings(layout, role, host, port, registries, hostPaths, names, services(config), edge(config),
                acme(config, env));
    }

    /** The Liberty runtime the server runs in (its server directories hold the configuration and logs). */
    private static List<Path> installDirs(Function<String, Optional<String>> config) {
        List<Path> dirs = new ArrayList<>();
        for (String key : List.of("wlp.install.dir", "WLP_INSTALL_DIR")) {
            config.apply(key).filter(v -> !v.isBlank()).ifPresent(v -> dirs.add(Path.of(v).toAbsolutePath().normalize()));
        }
        return dirs;
    }

    static Services services(Function<String, Optional<String>> config) {
        String returnsVip = config.apply("yoq.dns.returns_vip").orElse("true").strip().toLowerCase(java.util.Locale.ROOT);
        boolean vip = switch (returnsVip) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("yoq.dns.returns_vip (YOQ_DNS_RETURNS_VIP): must be true or false, got " + returnsVip);
        };
        String drain = config.apply("yoq.services.drain_ms").orElse(String.valueOf(Services.DEFAULTS.drainMs())).strip();
        try {
            long ms = Long.parseLong(drain);
            if (ms >= 0 && ms <= 600_000) return new Services(vip, ms);
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("yoq.services.drain_ms: must be 0-600000 (milliseconds), got " + drain);
    }

    static Edge edge(Function<String, Optional<String>> config) {
        Edge d = Edge.DEFAULTS;
        String address = config.apply("yoq.proxy.address").orElse(d.address()).strip();
        try {
            if (!address.matches("[0-9.]+|[0-9a-fA-F:]+")) throw new IllegalArgumentException();
            java.net.InetAddress.getByName(address);
        } catch (Exception e) {
            throw new IllegalArgumentException("yoq.proxy.address: must be an IP address, got " + address);
        }
        String tls12 = config.apply("yoq.proxy.tls12").orElse("false").strip().toLowerCase(java.util.Locale.ROOT);
        if (!tls12.equals("true") && !tls12.equals("false")) throw new IllegalArgumentException("yoq.proxy.tls12: must be true or false, got " + tls12);
        return new Edge(address, edgePort(config, "yoq.proxy.http_port", d.httpPort()), edgePort(config, "yoq.proxy.https_port", d.httpsPort()),
                edgePort(config, "yoq.proxy.acme_port", d.acmePort()), tls12.equals("true"));
    }

    static Acme acme(Function<String, Optional<String>> config, Map<String, String> env) {
        String url = config.apply("yoq.acme.directory_url").map(String::strip).filter(v -> !v.isEmpty()).orElse(Acme.LETS_ENCRYPT);
        try {
            String scheme = java.net.URI.create(url).getScheme();
            if (!"https".equals(scheme) && !"http".equals(scheme)) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("yoq.acme.directory_url: must be an http(s) URL, got " + url);
        }
        Path ca = config.apply("yoq.acme.ca_pem").map(String::strip).filter(v -> !v.isEmpty()).map(Path::of).orElse(null);
        // the file is read at each issuance (it may be made or replaced after the start; a missing one is named then)
        if (ca != null && !ca.isAbsolute()) throw new IllegalArgumentException("yoq.acme.ca_pem: must be an absolute path, got " + ca);
        String email = config.apply("yoq.acme.email").or(() -> Optional.ofNullable(env.get("YOQ_ACME_EMAIL")))
                .map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        return new Acme(url, ca, email);
    }

    private static int edgePort(Function<String, Optional<String>> config, String key, int fallback) {
        String raw = config.apply(key).orElse(String.valueOf(fallback)).strip();
        try {
            int port = Integer.parseInt(raw);
            if (port >= 0 && port <= 65535) return port;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(key + ": must be 0-65535 (0 turns the listener off), got " + raw);
    }

    private static int parsePort(String raw) {
        try {
            int port = Integer.parseInt(raw.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the offending text
        }
        throw new IllegalArgumentException("yoq.api.port: must be 1-65535, got " + raw);
    }
}
