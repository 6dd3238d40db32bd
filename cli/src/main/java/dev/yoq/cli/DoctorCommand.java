package dev.yoq.cli;

import dev.yoq.node.NodeClient;
import dev.yoq.node.protocol.HelperException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code yoq doctor [--json]}: host checks (spec §6.8) and the node helper; exit 1 if any fails. */
@Command(name = "doctor", description = "Check this host for what yoq needs (kernel, cgroups, eBPF, disk, node helper...).")
public class DoctorCommand implements Callable<Integer> {

    @ParentCommand
    YoqCommand yoq;

    @Override
    public Integer call() {
        long free;
        try {
            free = Files.getFileStore(Path.of("/")).getUsableSpace();
        } catch (IOException e) {
            free = -1;
        }
        List<DoctorChecks.Check> checks = new DoctorChecks(Path.of("/")).system(this::nodeHelper, free);
        checks.add(dataplane());
        if (yoq.options.json()) {
            yoq.out.println(ApiClient.JSON.valueToTree(checks));
        } else {
            for (DoctorChecks.Check c : checks) yoq.out.printf("%-5s %-12s %s%n", c.status(), c.name(), c.message());
        }
        return checks.stream().anyMatch(c -> c.status().equals("fail")) ? 1 : 0;
    }

    private Path socket() {
        String env = yoq.options.env().get("YOQ_NODE_SOCKET");
        return Path.of(env == null || env.isBlank() ? dev.yoq.node.protocol.Wire.DEFAULT_SOCKET : env);
    }

    /** Which dataplane carries the VIPs: the eBPF programs (pass) or the nftables fallback, with why (warn). */
    private DoctorChecks.Check dataplane() {
        try (NodeClient c = NodeClient.connect(socket())) {
            return DoctorChecks.dataplane(c.dataplane());
        } catch (IOException e) {
            return new DoctorChecks.Check("dataplane", "warn", "unknown: the node helper is not answering");
        }
    }

    private DoctorChecks.Check nodeHelper() {
        String env = yoq.options.env().get("YOQ_NODE_SOCKET");
        Path socket = Path.of(env == null || env.isBlank() ? dev.yoq.node.protocol.Wire.DEFAULT_SOCKET : env);
        try (NodeClient c = NodeClient.connect(socket)) {
            return new DoctorChecks.Check("node-helper", "pass", "yoq-node " + c.helperVersion() + " on " + socket
                    + ", cgroups " + c.cgroupLayout());
        } catch (HelperException e) {
            return new DoctorChecks.Check("node-helper", "warn", "yoq-node on " + socket + " answers but: " + e.getMessage());
        } catch (IOException e) {
            return new DoctorChecks.Check("node-helper", "fail", "yoq-node is not answering on " + socket
                    + ": containers cannot run (start it: yoq server start)");
        }
    }
}
