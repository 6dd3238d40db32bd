package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** yoq-proxy's stats as Prometheus text: the Appendix D names, labels per route, backend and role. */
class ProxyMetricsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_running_proxy_gives_listener_route_and_backend_series() throws Exception {
        String stats = """
                {"running":true,"listener":{"accepted_connections":7,"active_connections":2},
                 "traffic":{"requests":5,"responses":{"2xx":4,"5xx":1},"retries":1,"upstream_failures":1},
                 "loop_rejections":3,"circuit_trips":1,
                 "status":{"routes":2,"listeners":{"http":{"port":17080,"running":true}},"circuits":{"demo-api|10.0.0.2:80":"open"}},
                 "routes":{"demo-api/default":{"backend_traffic":{"demo-api":{"requests":4,"responses":{"2xx":4},"retries":0,"upstream_failures":0}},
                                               "mirror_backend_traffic":{"demo-api-shadow":{"requests":4,"responses":{"5xx":4},"retries":0,"upstream_failures":0}}}}}
                """;
        String text = ProxyMetrics.prometheus(JSON.readTree(stats));
        assertThat(text).contains("yoq_service_l7_proxy_running 1\n", "yoq_service_l7_proxy_routes 2\n",
                "yoq_service_l7_proxy_listener_port{listener=\"http\"} 17080\n",
                "yoq_service_l7_proxy_listener_accepted_connections_total 7\n",
                "yoq_service_l7_proxy_responses_total{code_class=\"5xx\"} 1\n",
                "yoq_service_l7_proxy_loop_rejections_total 3\n", "yoq_service_l7_proxy_circuit_endpoints 1\n",
                "yoq_service_l7_proxy_route_requests_total{route=\"default\",service=\"demo-api\",backend_service=\"demo-api\",traffic_role=\"primary\"} 4\n",
                "yoq_service_l7_proxy_route_responses_total{route=\"default\",service=\"demo-api\",backend_service=\"demo-api-shadow\",traffic_role=\"mirror\",code_class=\"5xx\"} 4\n");
        assertThat(text.lines().filter(l -> l.startsWith("# TYPE")).map(l -> l.split(" ")[2]).distinct().count())
                .as("each family declared once").isEqualTo(text.lines().filter(l -> l.startsWith("# TYPE")).count());
    }

    @Test
    void a_proxy_that_is_down_says_so_and_nothing_more() throws Exception {
        String text = ProxyMetrics.prometheus(JSON.readTree("{\"running\":false,\"error\":\"helper unreachable\"}"));
        assertThat(text).contains("yoq_service_l7_proxy_running 0\n").doesNotContain("requests_total");
    }
}
