package dev.yoq.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --server host:port}: a DNS name, an IPv4 literal or a bracketed IPv6 literal, port 1-65535, default
 * 7700. Unlike the original, names are accepted, not only dotted IPv4, and {@code https://} or {@code http://} may
 * come first ({@code scheme}; null: chosen by {@link ApiTransport}).
 */
public record ServerAddress(String host, int port, String scheme) {

    public ServerAddress(String host, int port) {
        this(host, port, null);
    }

    public static final int DEFAULT_PORT = 7700;
    private static final Pattern FORM = Pattern.compile("^(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(?::(\\d{1,5}))?$");
    private static final Pattern NAME = Pattern.compile("^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\\.?$");

    public static ServerAddress local(int port) {
        return new ServerAddress("127.0.0.1", port);
    }

    public static ServerAddress parse(String text) {
        String rest = text == null ? "" : text.strip();
        String scheme = null;
        for (String s : new String[] {"https", "http"}) {
            if (rest.regionMatches(true, 0, s + "://", 0, s.length() + 3)) {
                scheme = s;
                rest = rest.substring(s.length() + 3);
                if (rest.endsWith("/")) rest = rest.substring(0, rest.length() - 1);
                break;
            }
        }
        Matcher m = FORM.matcher(rest);
        if (!m.matches()) {
            throw invalid(text);
        }
        String host = m.group(1);
        if (!host.startsWith("[") && !NAME.matcher(host).matches()) {
            throw invalid(text);
        }
        int port = DEFAULT_PORT;
        if (m.group(2) != null) {
            port = Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535) {
                throw invalid(text);
            }
        }
        return new ServerAddress(host, port, scheme);
    }

    private static CliException invalid(String text) {
        return new CliException("invalid server address: " + text + " (expected host:port, e.g. 127.0.0.1:7700, optionally after https://)");
    }

    @Override
    public String toString() {
        return (scheme == null ? "" : scheme + "://") + host + ":" + port;
    }
}
