package dev.yoq.node.protocol;

import java.util.Locale;

/** {@code -p HOST:CTR[/udp]}: traffic to the host's port goes to the container's (TCP unless udp). */
public record PortMapping(String protocol, int hostPort, int containerPort) {
    public PortMapping {
        protocol = protocol == null ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) throw new IllegalArgumentException("protocol must be tcp or udp, got " + protocol);
        if (hostPort < 1 || hostPort > 65535) throw new IllegalArgumentException("host port must be 1-65535, got " + hostPort);
        if (containerPort < 1 || containerPort > 65535) throw new IllegalArgumentException("container port must be 1-65535, got " + containerPort);
    }

    /** "8080:80", "8080:80/udp" (spec §1.1: both parts non-empty u16). */
    public static PortMapping parse(String text) {
        String spec = text == null ? "" : text.strip();
        String protocol = "tcp";
        int slash = spec.indexOf('/');
        if (slash >= 0) {
            protocol = spec.substring(slash + 1);
            spec = spec.substring(0, slash);
        }
        String[] parts = spec.split(":", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException(text + " must be HOST:CONTAINER[/tcp|/udp]");
        }
        try {
            return new PortMapping(protocol, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + " must be HOST:CONTAINER with numeric ports");
        }
    }

    @Override
    public String toString() {
        return hostPort + ":" + containerPort + "/" + protocol;
    }
}
