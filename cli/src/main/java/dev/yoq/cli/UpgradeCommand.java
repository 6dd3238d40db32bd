package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code yoq upgrade preflight}: can the cluster take a rolling upgrade now? Exit 1 if a check fails. */
@Command(name = "upgrade", description = "Rolling upgrade helpers.", subcommands = UpgradeCommand.Preflight.class)
public class UpgradeCommand implements Callable<Integer> {
    @ParentCommand
    YoqCommand yoq;

    @Override
    public Integer call() {
        yoq.out.println("usage: yoq upgrade preflight [--server h:p] [--json]");
        return 2;
    }

    @Command(name = "preflight", description = "Check servers, version skew, clock skew and BPF map headroom before upgrading.")
    static final class Preflight implements Callable<Integer> {
        @ParentCommand
        UpgradeCommand upgrade;

        @Override
        public Integer call() {
            YoqCommand yoq = upgrade.yoq;
            ApiClient api = yoq.options.client();
            JsonNode peers = api.get("/cluster/peers/info").json();
            JsonNode bpf = api.get("/v1/status/bpf").json();
            List<DoctorChecks.Check> checks = UpgradeChecks.of(peers, bpf);
            if (yoq.options.json()) {
                yoq.out.println(ApiClient.JSON.valueToTree(checks));
            } else {
                for (DoctorChecks.Check c : checks) yoq.out.printf("%-5s %-13s %s%n", c.status(), c.name(), c.message());
            }
            return checks.stream().anyMatch(c -> c.status().equals("fail")) ? 1 : 0;
        }
    }
}
