package dev.yoq.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The listener's own answers: the spec's JSON errors, ACME tokens, redirects. */
final class Responses {
    private Responses() {}

    static final String ROUTE_NOT_FOUND = "route not found", NO_UPSTREAM = "no eligible upstream",
            INVALID_UPSTREAM = "invalid upstream response", LOOP = "proxy loop detected",
            PEER_REQUIRED = "client certificate required: this service takes callers with a certificate of the service CA (tls.peer = require)";

    static FullHttpResponse error(HttpResponseStatus status, String message) {
        return body(status, "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}", "application/json");
    }

    static FullHttpResponse text(HttpResponseStatus status, String text) {
        return body(status, text, "text/plain");
    }

    static FullHttpResponse redirect(String location) {
        FullHttpResponse r = body(HttpResponseStatus.MOVED_PERMANENTLY, "", "text/plain");
        r.headers().set(HttpHeaderNames.LOCATION, location);
        return r;
    }

    private static FullHttpResponse body(HttpResponseStatus status, String body, String type) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        return r;
    }

    /** Ends the connection after this answer (HTTP/1: a request we could not read leaves the stream unusable). */
    static FullHttpResponse closing(FullHttpResponse r) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }
}
