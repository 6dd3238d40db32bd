package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.yoq.manifest.Manifest;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The probes against real servers: an HTTP server, a listening socket, a real gRPC health service. */
class HealthProbesTest {
    static Manifest.HealthCheck check(String kind, String path, Integer port, String service, List<String> command) {
        return new Manifest.HealthCheck(kind, path, port, service, command, 1, 1, 3, 0);
    }

    @Test
    void http_is_healthy_on_2xx_only_and_sends_http_1_0_with_host_localhost() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String[] seen = new String[2];
        server.createContext("/ok", x -> {
            seen[0] = x.getProtocol();
            seen[1] = x.getRequestHeaders().getFirst("Host");
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.createContext("/bad", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            assertThat(HealthProbes.probe(check("http", "/ok", port, null, null), "127.0.0.1", null)).isTrue();
            assertThat(seen).containsExactly("HTTP/1.0", "localhost");
            assertThat(HealthProbes.probe(check("http", "/bad", port, null, null), "127.0.0.1", null)).isFalse();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void tcp_is_healthy_while_something_listens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
            assertThat(HealthProbes.probe(check("tcp", null, port, null, null), "127.0.0.1", null)).isTrue();
        }
        assertThat(HealthProbes.probe(check("tcp", null, port, null, null), "127.0.0.1", null)).isFalse();
    }

    @Test
    void exec_is_healthy_on_exit_0() {
        assertThat(HealthProbes.probe(check("exec", null, null, null, List.of("true")), "127.0.0.1", cmd -> 0)).isTrue();
        assertThat(HealthProbes.probe(check("exec", null, null, null, List.of("false")), "127.0.0.1", cmd -> 1)).isFalse();
        assertThat(HealthProbes.probe(check("exec", null, null, null, List.of("x")), "127.0.0.1", cmd -> {
            throw new IllegalStateException("container is not running");
        })).isFalse();
    }

    @Test
    void grpc_is_healthy_when_the_health_service_says_serving() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(health.getHealthService()).build().start();
        try {
            int port = server.getPort();
            health.setStatus("", ServingStatus.SERVING);
            health.setStatus("shop.Orders", ServingStatus.NOT_SERVING);
            assertThat(HealthProbes.probe(check("grpc", null, port, null, null), "127.0.0.1", null)).as("whole server").isTrue();
            assertThat(HealthProbes.probe(check("grpc", null, port, "shop.Orders", null), "127.0.0.1", null)).isFalse();
            health.setStatus("shop.Orders", ServingStatus.SERVING);
            assertThat(HealthProbes.probe(check("grpc", null, port, "shop.Orders", null), "127.0.0.1", null)).isTrue();
            assertThat(HealthProbes.probe(check("grpc", null, port, "unknown.Service", null), "127.0.0.1", null)).as("NOT_FOUND").isFalse();
        } finally {
            server.shutdownNow();
        }
    }
}
