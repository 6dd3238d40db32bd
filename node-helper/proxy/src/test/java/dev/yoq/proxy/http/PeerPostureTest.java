package dev.yoq.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.proxy.config.EdgeConfig;
import org.junit.jupiter.api.Test;

/** Which tls.peer a request is held to: the strictest of every service its route can reach. */
class PeerPostureTest {
    static EdgeConfig config(String peers, String route) throws Exception {
        return new ObjectMapper().readValue("{\"peers\":" + peers + ",\"routes\":[" + route + "]}", EdgeConfig.class);
    }

    @Test
    void a_relaxed_route_reaching_a_requiring_service_by_weight_or_mirror_is_held_to_require() throws Exception {
        EdgeConfig byWeight = config("{\"shop-web\":\"require\"}",
                "{\"service\":\"shop-api\",\"name\":\"r\",\"host\":\"a\",\"backends\":[{\"service\":\"shop-api\",\"weight\":90},{\"service\":\"shop-web\",\"weight\":10}]}");
        assertThat(ProxyHandler.strictestPeer(byWeight, byWeight.routes().get(0))).isEqualTo("require");
        EdgeConfig byMirror = config("{\"shop-web\":\"warn\"}", "{\"service\":\"shop-api\",\"name\":\"r\",\"host\":\"a\",\"mirror\":\"shop-web\"}");
        assertThat(ProxyHandler.strictestPeer(byMirror, byMirror.routes().get(0))).isEqualTo("warn");
        EdgeConfig own = config("{\"shop-api\":\"require\",\"shop-web\":\"warn\"}",
                "{\"service\":\"shop-api\",\"name\":\"r\",\"host\":\"a\",\"mirror\":\"shop-web\"}");
        assertThat(ProxyHandler.strictestPeer(own, own.routes().get(0))).as("never relaxed by a backend").isEqualTo("require");
        EdgeConfig none = config("{}", "{\"service\":\"shop-api\",\"name\":\"r\",\"host\":\"a\"}");
        assertThat(ProxyHandler.strictestPeer(none, none.routes().get(0))).isEqualTo("off");
    }

    @Test
    void the_upstream_learns_the_verified_caller_and_never_a_name_the_client_wrote() throws Exception {
        EdgeConfig c = config("{}", "{\"service\":\"shop-api\",\"name\":\"r\",\"host\":\"a\"}");
        var request = new io.netty.handler.codec.http.DefaultFullHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                io.netty.handler.codec.http.HttpMethod.GET, "/");
        request.headers().set("X-Yoq-Peer-Service", "forged");
        var verified = Forwarder.upstreamRequest(c.routes().get(0), request,
                new Forwarder.RequestInfo("a", "a", "https", "10.0.0.9", "shop-web"), "10.42.0.5:80");
        assertThat(verified.headers().getAll("x-yoq-peer-service")).containsExactly("shop-web");
        var anonymous = Forwarder.upstreamRequest(c.routes().get(0), request, new Forwarder.RequestInfo("a", "a", "http", "10.0.0.9"), "10.42.0.5:80");
        assertThat(anonymous.headers().contains("x-yoq-peer-service")).isFalse();
        verified.release();
        anonymous.release();
        request.release();
    }
}
