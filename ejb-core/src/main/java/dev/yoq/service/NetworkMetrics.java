package dev.yoq.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.model.ContainerRecord;
import dev.yoq.node.NodeClient;
import dev.yoq.state.FreshReads;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Network counters of running containers ({@code GET /v1/metrics}, {@code yoq metrics}): the helper's per-address
 * counters (BPF on the veth, or the veth's own statistics without it) joined with the containers that hold those
 * addresses, and address pairs added up into service pairs (BPF only; at most 1,024).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class NetworkMetrics {
    public static final int MAX_PAIRS = 1024;

    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @Inject
    dev.yoq.node.NodeConnector node;

    public record Row(ContainerRecord container, String service, long rxPackets, long rxBytes, long txPackets, long txBytes, long connections) {}

    public record Pair(String source, String target, long packets, long bytes) {}

    /** Per running container; {@code service} (registry or bare name) narrows to one service's replicas. */
    public List<Row> containers(String service) {
        Map<String, ContainerRecord> byIp = running();
        JsonNode counters = counters();
        List<Row> out = new ArrayList<>();
        for (JsonNode c : counters.path("containers")) {
            ContainerRecord r = byIp.get(c.path("ip").asText());
            if (r == null) continue;
            String svc = serviceOf(r);
            if (service != null && !service.equals(svc) && !service.equals(r.getWorkloadName())) continue;
            out.add(new Row(r, svc, c.path("rx_packets").asLong(), c.path("rx_bytes").asLong(), c.path("tx_packets").asLong(),
                    c.path("tx_bytes").asLong(), c.path("connections").asLong(-1)));
        }
        out.sort(java.util.Comparator.comparing(r -> r.container().getName() == null ? r.container().getId() : r.container().getName()));
        return out;
    }

    /** Service (or container) pairs with their packets and bytes, largest first. */
    public List<Pair> pairs() {
        Map<String, ContainerRecord> byIp = running();
        Map<List<String>, long[]> sums = new LinkedHashMap<>();
        for (JsonNode p : counters().path("pairs")) {
            String src = nameOf(byIp, p.path("source").asText()), dst = nameOf(byIp, p.path("target").asText());
            long[] sum = sums.computeIfAbsent(List.of(src, dst), k -> new long[2]);
            sum[0] += p.path("packets").asLong();
            sum[1] += p.path("bytes").asLong();
        }
        List<Pair> out = new ArrayList<>();
        sums.forEach((k, v) -> out.add(new Pair(k.get(0), k.get(1), v[0], v[1])));
        out.sort(java.util.Comparator.comparingLong(Pair::bytes).reversed());
        return out.size() > MAX_PAIRS ? out.subList(0, MAX_PAIRS) : out;
    }

    private JsonNode counters() {
        try (NodeClient client = node.open()) {
            return client.counters();
        } catch (IOException e) {
            throw new dev.yoq.network.NetworkException(dev.yoq.network.NetworkException.Kind.UNAVAILABLE,
                    "the node helper is not answering: " + e.getMessage());
        }
    }

    private Map<String, ContainerRecord> running() {
        Map<String, ContainerRecord> out = new HashMap<>();
        for (ContainerRecord c : FreshReads.fresh(em.createQuery("SELECT c FROM ContainerRecord c WHERE c.status = 'running' AND c.ipAddress IS NOT NULL",
                ContainerRecord.class)).getResultList()) {
            out.put(c.getIpAddress(), c);
        }
        return out;
    }

    static String serviceOf(ContainerRecord c) {
        return "service".equals(c.getWorkloadKind()) ? dev.yoq.state.Command.serviceName(c.getAppName(), c.getWorkloadName()) : null;
    }

    private static String nameOf(Map<String, ContainerRecord> byIp, String ip) {
        ContainerRecord c = byIp.get(ip);
        if (c == null) return ip;
        String svc = serviceOf(c);
        return svc != null ? svc : c.getName() != null ? c.getName() : c.getId();
    }
}
