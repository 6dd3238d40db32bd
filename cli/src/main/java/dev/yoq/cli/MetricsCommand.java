package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code yoq metrics [service] [--pairs]} (spec §1.10): network counters of running containers, or service pairs. */
@Command(name = "metrics", description = "Network packet and byte counters of running containers (--pairs: between services).")
final class MetricsCommand implements Callable<Integer> {
    @ParentCommand
    YoqCommand yoq;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", description = "only this service's replicas (app-service or service)")
    String service;

    @Option(names = "--pairs", description = "traffic between services (eBPF dataplane only)")
    boolean pairs;

    @Override
    public Integer call() {
        if (pairs && service != null) throw new CliException("metrics: give a SERVICE or --pairs, not both");
        String path = pairs ? "/v1/metrics?mode=pairs"
                : service == null ? "/v1/metrics" : "/v1/metrics?service=" + URLEncoder.encode(service, StandardCharsets.UTF_8);
        JsonNode rows = yoq.options.client().get(path).json();
        if (yoq.options.json()) {
            yoq.out.println(rows);
        } else if (rows.isEmpty()) {
            yoq.out.println(pairs ? "no traffic between services recorded" : "no running containers" + (service == null ? "" : " of " + service));
        } else if (pairs) {
            String format = "%-32s %-32s %12s %14s%n";
            yoq.out.printf(format, "SOURCE", "TARGET", "PACKETS", "BYTES");
            for (JsonNode r : rows) yoq.out.printf(format, r.path("source").asText(), r.path("target").asText(), r.path("packets").asLong(), r.path("bytes").asLong());
        } else {
            String format = "%-32s %-15s %12s %14s %12s %14s %8s%n";
            yoq.out.printf(format, "CONTAINER", "IP", "RX_PACKETS", "RX_BYTES", "TX_PACKETS", "TX_BYTES", "CONNS");
            for (JsonNode r : rows) {
                yoq.out.printf(format, r.path("name").asText(r.path("container_id").asText()), r.path("ip").asText(), r.path("rx_packets").asLong(),
                        r.path("rx_bytes").asLong(), r.path("tx_packets").asLong(), r.path("tx_bytes").asLong(),
                        r.path("connections").isNull() ? "-" : r.path("connections").asText());
            }
        }
        return 0;
    }
}
