package dev.yoq.proxy.http;

import dev.yoq.proxy.config.EdgeConfig.Backend;
import dev.yoq.proxy.config.EdgeConfig.Route;
import dev.yoq.proxy.route.RouteTable;
import dev.yoq.proxy.route.WeightedChoice;
import dev.yoq.proxy.stats.ProxyStats;
import dev.yoq.proxy.stats.Traffic;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Promise;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Sends one routed request upstream (§3.9): the weighted backend service by the request's hash and attempt, the
 * service's next endpoint whose circuit allows it, the three timeouts, retries for GET/HEAD/OPTIONS on transport
 * errors and (with {@code retry_on_5xx}) 5xx answers, each try on an endpoint not tried yet; a best-effort copy to
 * the mirror that never waits for or changes the client's answer.
 */
final class Forwarder {
    private final Edge edge;
    private final EdgeSnapshot snapshot;
    private final Route route;
    private final FullHttpRequest request;
    private final RequestInfo info;
    private final EventLoop loop;
    private final Consumer<Outcome> done;
    private final Set<String> tried = new HashSet<>();
    private final ProxyStats.RouteTraffic traffic;
    private int attempt;

    /** What the client is told, and by whom. */
    record Outcome(FullHttpResponse response, String backend, String endpoint, int attempts) {
    }

    /**
     * The request as the client sent it: host (port stripped), Host header, scheme, client address, and the service
     * a verified client certificate names (service mTLS; "" for one of the CA without a service URI), else null.
     */
    record RequestInfo(String host, String hostHeader, String scheme, String client, String peerService) {
        RequestInfo(String host, String hostHeader, String scheme, String client) {
            this(host, hostHeader, scheme, client, null);
        }
    }

    Forwarder(Edge edge, EdgeSnapshot snapshot, Route route, FullHttpRequest request, RequestInfo info, EventLoop loop,
              Consumer<Outcome> done) {
        this.edge = edge;
        this.snapshot = snapshot;
        this.route = route;
        this.request = request;
        this.info = info;
        this.loop = loop;
        this.done = done;
        this.traffic = edge.stats.route(route.key());
    }

    void start() {
        traffic.traffic.request();
        mirror();
        next(null);
    }

    private boolean idempotent() {
        HttpMethod m = request.method();
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS);
    }

    /** One try; {@code previous} is the last try's answer (kept when no endpoint is left to try again). */
    private void next(Outcome previous) {
        Backend backend = WeightedChoice.choose(route.backends(), request.method().name(), info.host(), request.uri(), attempt);
        String endpoint = edge.endpoints.pick(backend.service(), snapshot.config().upstreams().get(backend.service()),
                route.circuitBreakerTimeoutMs(), tried);
        if (endpoint == null) {
            if (previous != null) {
                finish(previous);
                return;
            }
            edge.stats.noUpstream.increment();
            finish(new Outcome(Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, Responses.NO_UPSTREAM), backend.service(), null, attempt));
            return;
        }
        if (previous != null) io.netty.util.ReferenceCountUtil.release(previous.response());   // superseded by this try
        tried.add(endpoint);
        Traffic backendTraffic = traffic.backend(backend.service());
        backendTraffic.request();
        long started = System.nanoTime();
        Promise<FullHttpResponse> answer = loop.newPromise();
        edge.pool.send(loop, endpoint, upstreamRequest(endpoint), route.connectTimeoutMs(), route.requestTimeoutMs(), answer);
        answer.addListener(f -> {
            attempt++;
            if (f.isSuccess()) {
                answered((FullHttpResponse) f.getNow(), backend, endpoint, backendTraffic, started);
            } else {
                failed((UpstreamPool.UpstreamException) unwrap(f.cause()), backend, endpoint, backendTraffic, started);
            }
        });
    }

    private void answered(FullHttpResponse r, Backend backend, String endpoint, Traffic backendTraffic, long started) {
        int status = r.status().code();
        backendTraffic.response(status, System.nanoTime() - started);
        if (status >= 500) {
            if (edge.endpoints.failed(backend.service(), endpoint, route.circuitBreakerThreshold())) edge.stats.circuitTrips.increment();
        } else {
            edge.endpoints.succeeded(backend.service(), endpoint);
        }
        Outcome outcome = new Outcome(r, backend.service(), endpoint, attempt);
        if (status >= 500 && route.retryOn5xx() && canRetry()) {
            retryCounted(backendTraffic);
            loop.execute(() -> next(outcome));   // the 5xx stays the answer if no endpoint is left
            return;
        }
        finish(outcome);
    }

    private void failed(UpstreamPool.UpstreamException e, Backend backend, String endpoint, Traffic backendTraffic, long started) {
        backendTraffic.upstreamFailure();
        traffic.traffic.upstreamFailure();
        edge.stats.all.upstreamFailure();
        if (edge.endpoints.failed(backend.service(), endpoint, route.circuitBreakerThreshold())) edge.stats.circuitTrips.increment();
        HttpResponseStatus status = e != null && e.timeout ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY;
        backendTraffic.response(status.code(), System.nanoTime() - started);
        String message = e != null && e.timeout ? "upstream timed out" : e != null && !e.invalid ? "upstream connection failed" : Responses.INVALID_UPSTREAM;
        Outcome outcome = new Outcome(Responses.error(status, message), backend.service(), endpoint, attempt);
        if (canRetry()) {
            retryCounted(backendTraffic);
            loop.execute(() -> next(outcome));
            return;
        }
        finish(outcome);
    }

    private boolean canRetry() {
        return idempotent() && attempt <= route.retries();
    }

    private void retryCounted(Traffic backendTraffic) {
        backendTraffic.retry();
        traffic.traffic.retry();
        edge.stats.all.retry();
    }

    private void finish(Outcome outcome) {
        request.release();
        done.accept(outcome);
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof UpstreamPool.UpstreamException ? t : new UpstreamPool.UpstreamException(String.valueOf(t), false, false, t);
    }

    static final String PEER_SERVICE_HEADER = "x-yoq-peer-service";

    /** The request as the upstream sees it: rewritten path, Host per preserve_host, X-Forwarded-*, the loop marker. */
    FullHttpRequest upstreamRequest(String endpoint) {
        return upstreamRequest(route, request, info, endpoint);
    }

    /** The same for any request of a route (a WebSocket upgrade's too); the body is a retained duplicate. */
    static FullHttpRequest upstreamRequest(Route route, FullHttpRequest request, RequestInfo info, String endpoint) {
        String uri = RouteTable.rewrite(route, request.uri());
        FullHttpRequest up = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), uri,
                request.content().retainedDuplicate());
        HttpHeaders h = up.headers();
        Headers.copyEndToEnd(request.headers(), h);
        h.set(HttpHeaderNames.HOST, route.preserveHost() && info.hostHeader() != null ? info.hostHeader() : endpoint);
        String forwardedFor = request.headers().get("x-forwarded-for");
        h.set("x-forwarded-for", forwardedFor == null || forwardedFor.isBlank() ? info.client() : forwardedFor + ", " + info.client());
        h.set("x-forwarded-host", info.hostHeader() == null ? "" : info.hostHeader());
        h.set("x-forwarded-proto", info.scheme());
        h.set(Headers.LOOP_MARKER, "1");
        // who called, as the service CA vouched for it; a client's own header of that name never passes
        h.remove(PEER_SERVICE_HEADER);
        if (info.peerService() != null) h.set(PEER_SERVICE_HEADER, info.peerService());
        if (UpstreamPool.isGrpc(request)) h.set("te", "trailers");   // hop-by-hop, but gRPC servers require it
        if (up.content().isReadable() || Headers.hasBody(request.method())) {
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, up.content().readableBytes());
        }
        up.trailingHeaders().set(request.trailingHeaders());
        return up;
    }

    /** A copy to the mirror service, if the route has one: its answer is counted and dropped. */
    private void mirror() {
        if (route.mirror() == null) return;
        String service = route.mirror();
        Traffic m = traffic.mirrorBackend(service);
        traffic.mirror.request();
        m.request();
        String endpoint = edge.endpoints.pick(service, snapshot.config().upstreams().get(service), route.circuitBreakerTimeoutMs(), Set.of());
        if (endpoint == null) {
            m.upstreamFailure();
            traffic.mirror.upstreamFailure();
            return;
        }
        long started = System.nanoTime();
        Promise<FullHttpResponse> answer = loop.newPromise();
        edge.pool.send(loop, endpoint, upstreamRequest(endpoint), route.connectTimeoutMs(), route.requestTimeoutMs(), answer);
        answer.addListener(f -> {
            if (f.isSuccess()) {
                FullHttpResponse r = (FullHttpResponse) f.getNow();
                m.response(r.status().code(), System.nanoTime() - started);
                traffic.mirror.response(r.status().code(), System.nanoTime() - started);
                edge.endpoints.succeeded(service, endpoint);
                r.release();
            } else {
                m.upstreamFailure();
                traffic.mirror.upstreamFailure();
                edge.endpoints.failed(service, endpoint, route.circuitBreakerThreshold());
            }
        });
    }
}
