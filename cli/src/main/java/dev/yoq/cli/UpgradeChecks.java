package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether the cluster can take a rolling upgrade now (spec §1.10 {@code upgrade preflight}), from
 * {@code /cluster/peers/info} (the asked server first) and {@code /v1/status/bpf}: every server up (taking one
 * down for its upgrade must leave a majority), versions, clocks, and room in the BPF maps.
 */
final class UpgradeChecks {
    static final long CLOCK_WARN_MS = 500;
    static final long CLOCK_FAIL_MS = 2_000;
    static final int BPF_WARN_PCT = 80;

    private UpgradeChecks() {
    }

    static List<DoctorChecks.Check> of(JsonNode peers, JsonNode bpfMaps) {
        List<DoctorChecks.Check> checks = new ArrayList<>();
        if (peers.isEmpty()) {
            checks.add(new DoctorChecks.Check("cluster", "warn", "not a cluster server: a single node upgrades by restarting it"));
        } else {
            checks.add(reachable(peers));
            checks.add(versionSkew(peers));
            checks.add(clockSkew(peers));
        }
        checks.add(bpfHeadroom(bpfMaps));
        return checks;
    }

    static DoctorChecks.Check reachable(JsonNode peers) {
        List<String> down = new ArrayList<>();
        for (JsonNode p : peers) if (p.path("reachable").asInt() != 1) down.add(p.path("id").asText());
        if (down.isEmpty()) return new DoctorChecks.Check("servers", "pass", "all " + peers.size() + " servers answer");
        return new DoctorChecks.Check("servers", "fail", "server(s) " + String.join(", ", down) + " do not answer: "
                + "upgrading another one now could leave the cluster without a majority");
    }

    static DoctorChecks.Check versionSkew(JsonNode peers) {
        Set<String> versions = new LinkedHashSet<>();
        for (JsonNode p : peers) if (p.path("reachable").asInt() == 1) versions.add(p.path("software_version").asText());
        if (versions.size() <= 1) return new DoctorChecks.Check("version-skew", "pass", "every server runs " + String.join("", versions));
        return new DoctorChecks.Check("version-skew", "warn", "servers run " + String.join(" and ", versions)
                + ": an upgrade is under way; finish it before starting another");
    }

    /** Each server's clock against the asked one's (the first answer), which it read at the same request. */
    static DoctorChecks.Check clockSkew(JsonNode peers) {
        long reference = peers.get(0).path("unix_ms").asLong();
        long worst = 0;
        String worstId = null;
        for (JsonNode p : peers) {
            if (p.path("reachable").asInt() != 1) continue;
            long skew = Math.abs(p.path("unix_ms").asLong() - reference);
            if (skew > worst) {
                worst = skew;
                worstId = p.path("id").asText();
            }
        }
        String status = worst > CLOCK_FAIL_MS ? "fail" : worst > CLOCK_WARN_MS ? "warn" : "pass";
        String message = worstId == null ? "clocks agree" : "largest clock difference " + worst + " ms (server " + worstId + ")";
        if (!status.equals("pass")) message += ": commands carry their time, so run NTP on every server";
        return new DoctorChecks.Check("clock-skew", status, message);
    }

    static DoctorChecks.Check bpfHeadroom(JsonNode maps) {
        String fullest = null;
        long worst = 0;
        for (JsonNode m : maps) {
            long max = m.path("max").asLong();
            if (max <= 0) continue;
            long pct = m.path("used").asLong() * 100 / max;
            if (pct >= worst) {
                worst = pct;
                fullest = m.path("name").asText();
            }
        }
        if (fullest == null) return new DoctorChecks.Check("bpf-headroom", "pass", "no BPF maps in use (nftables dataplane)");
        return new DoctorChecks.Check("bpf-headroom", worst >= BPF_WARN_PCT ? "warn" : "pass", "fullest BPF map " + fullest + " at " + worst + "%");
    }
}
