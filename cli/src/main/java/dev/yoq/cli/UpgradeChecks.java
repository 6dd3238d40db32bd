package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether the cluster can take a rolling upgrade now (spec §1.10 {@code upgrade preflight}, the cluster checks of
 * §6.8), from {@code /cluster/peers/info} (the asked server first) and {@code /v1/status/bpf}.
 */
final class UpgradeChecks {
    static final long CLOCK_WARN_MS = 1_000;
    static final long CLOCK_FAIL_MS = 5_000;
    static final int BPF_WARN_PCT = 80;
    static final int BPF_FAIL_PCT = 95;
    /** The spec's bound on how many peers the cluster checks consider. */
    static final int MAX_PEERS = 32;

    private UpgradeChecks() {
    }

    static List<DoctorChecks.Check> of(JsonNode peers, JsonNode bpfMaps) {
        List<DoctorChecks.Check> checks = new ArrayList<>();
        List<JsonNode> considered = new ArrayList<>();
        for (JsonNode p : peers) if (considered.size() < MAX_PEERS) considered.add(p);
        checks.add(versionSkew(considered));
        checks.add(clockSkew(considered));
        checks.add(bpfHeadroom(bpfMaps));
        return checks;
    }

    /** pass: all equal; warn: some (or all) unreachable, or not a cluster; fail: versions differ. */
    static DoctorChecks.Check versionSkew(List<JsonNode> peers) {
        if (peers.isEmpty()) return new DoctorChecks.Check("version-skew", "warn", "not a cluster server: no peers to compare");
        Set<String> versions = new LinkedHashSet<>();
        List<String> down = new ArrayList<>();
        for (JsonNode p : peers) {
            if (p.path("reachable").asInt() == 1) versions.add(p.path("software_version").asText());
            else down.add(p.path("id").asText());
        }
        if (versions.size() > 1) {
            return new DoctorChecks.Check("version-skew", "fail", "servers run " + String.join(" and ", versions)
                    + ": finish the upgrade under way before starting another");
        }
        if (!down.isEmpty()) {
            return new DoctorChecks.Check("version-skew", "warn", "server(s) " + String.join(", ", down)
                    + " do not answer: upgrading another one now could leave the cluster without a majority");
        }
        return new DoctorChecks.Check("version-skew", "pass", "all " + peers.size() + " servers run " + String.join("", versions));
    }

    /** Each server's clock against the asked one's (the first answer). pass ≤ 1 s, warn > 1 s, fail > 5 s. */
    static DoctorChecks.Check clockSkew(List<JsonNode> peers) {
        long worst = 0;
        String worstId = null;
        int reachable = 0;
        long reference = peers.isEmpty() ? 0 : peers.get(0).path("unix_ms").asLong();
        for (JsonNode p : peers) {
            if (p.path("reachable").asInt() != 1) continue;
            reachable++;
            long skew = Math.abs(p.path("unix_ms").asLong() - reference);
            if (skew > worst) {
                worst = skew;
                worstId = p.path("id").asText();
            }
        }
        if (reachable == 0) return new DoctorChecks.Check("clock-skew", "warn", "no server answered");
        String status = worst > CLOCK_FAIL_MS ? "fail" : worst > CLOCK_WARN_MS ? "warn" : "pass";
        String message = worstId == null ? "clocks agree" : "largest clock difference " + worst + " ms (server " + worstId + ")";
        if (!status.equals("pass")) message += ": commands carry their time, so run NTP on every server";
        return new DoctorChecks.Check("clock-skew", status, message);
    }

    /** The fullest BPF map: pass < 80 %, warn ≥ 80 %, fail ≥ 95 %. */
    static DoctorChecks.Check bpfHeadroom(JsonNode maps) {
        String fullest = null;
        long worst = 0;
        for (JsonNode m : maps) {
            long max = m.path("max").asLong();
            if (max <= 0) continue;
            long pct = m.path("used").asLong() * 100 / max;
            if (fullest == null || pct > worst) {
                worst = pct;
                fullest = m.path("name").asText();
            }
        }
        if (fullest == null) return new DoctorChecks.Check("bpf-headroom", "pass", "no BPF maps in use (nftables dataplane)");
        String status = worst >= BPF_FAIL_PCT ? "fail" : worst >= BPF_WARN_PCT ? "warn" : "pass";
        return new DoctorChecks.Check("bpf-headroom", status, "fullest BPF map " + fullest + " at " + worst + "%");
    }
}
