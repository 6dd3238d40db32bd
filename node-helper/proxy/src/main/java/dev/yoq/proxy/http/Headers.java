package dev.yoq.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Which headers cross the proxy: end-to-end ones do; hop-by-hop ones (RFC 9110 §7.6.1) and HTTP/2 artefacts do not. */
final class Headers {
    static final String LOOP_MARKER = "x-yoq-proxy";
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings", "content-length");

    private Headers() {}

    static void copyEndToEnd(HttpHeaders from, HttpHeaders to) {
        Set<String> named = new HashSet<>();
        for (String c : from.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : c.split(",")) named.add(token.trim().toLowerCase(Locale.ROOT));
        }
        for (Map.Entry<String, String> e : from) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || named.contains(name) || name.startsWith("x-http2-")) continue;
            to.add(e.getKey(), e.getValue());
        }
    }

    static boolean hasBody(HttpMethod m) {
        return m.equals(HttpMethod.POST) || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.PATCH);
    }

    /** An upstream endpoint as the server names it, {@code ip:port}. */
    static java.net.InetSocketAddress address(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        return new java.net.InetSocketAddress(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)));
    }
}
