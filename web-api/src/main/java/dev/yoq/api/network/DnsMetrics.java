package dev.yoq.api.network;

import dev.yoq.node.NodeClient;
import dev.yoq.node.NodeConnector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Map;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * The containers' resolver runs in the node helper; its counters become gauges here, read from the helper at
 * most once a second: {@code yoq_dns_queries} (rate() of it is queries per second), {@code yoq_dns_cache_hits},
 * {@code yoq_dns_local_answers}, {@code yoq_dns_forwarded}, {@code yoq_dns_malformed}, {@code yoq_dns_names}.
 * A helper that does not answer reads as -1.
 */
@ApplicationScoped
public class DnsMetrics {
    private static final Map<String, String> GAUGES = Map.of("queries", "yoq_dns_queries", "cache_hits", "yoq_dns_cache_hits",
            "local", "yoq_dns_local_answers", "forwarded", "yoq_dns_forwarded", "malformed", "yoq_dns_malformed", "names", "yoq_dns_names",
            "network_repairs", "yoq_network_repairs");

    @Inject
    MetricRegistry registry;

    @Inject
    NodeConnector node;

    private volatile Map<String, Long> last = Map.of();
    private volatile long readAt;

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        GAUGES.forEach((key, name) -> registry.gauge(Metadata.builder().withName(name)
                .withDescription("node resolver: " + key.replace('_', ' ')).build(), this, m -> m.value(key)));
    }

    long value(String key) {
        long now = System.currentTimeMillis();
        if (now - readAt > 1000) {
            readAt = now;
            try (NodeClient client = node.open()) {
                last = client.dnsStats();
            } catch (IOException e) {
                last = Map.of();
            }
        }
        return last.getOrDefault(key, -1L);
    }
}
