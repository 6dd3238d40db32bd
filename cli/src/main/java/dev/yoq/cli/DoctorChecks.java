package dev.yoq.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The host checks of {@code yoq doctor} (spec §6.8's ten, plus the node helper), read from a root that tests
 * point at a fake /proc and /sys. Pure apart from reading files; no check changes anything.
 */
final class DoctorChecks {
    record Check(String name, String status, String message) {}

    private final Path root;

    DoctorChecks(Path root) { this.root = root; }

    List<Check> system(Supplier<Check> nodeHelper, long freeBytesOnRoot) {
        List<Check> checks = new ArrayList<>();
        checks.add(kernel());
        checks.add(cgroups());
        checks.add(exists("ebpf", "sys/fs/bpf", "fail", "bpffs at /sys/fs/bpf", "/sys/fs/bpf is missing (mount -t bpf bpf /sys/fs/bpf)"));
        checks.add(exists("gpu", "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1", "warn", "NVML found", "no NVIDIA driver (libnvidia-ml.so.1): GPU features off"));
        checks.add(exists("wireguard", "sys/module/wireguard", "warn", "kernel module loaded", "no wireguard kernel module: cluster links need wireguard-go"));
        checks.add(infiniband());
        checks.add(disk(freeBytesOnRoot));
        checks.add(ioUring());
        checks.add(bpfJit());
        checks.add(mtu());
        checks.add(networkTools());
        checks.add(exists("br-netfilter", "proc/sys/net/bridge/bridge-nf-call-iptables", "warn", "bridged traffic is visible to network policy",
                "br_netfilter not loaded: network policy cannot see traffic between containers (modprobe br_netfilter)"));
        checks.add(nodeHelper.get());
        return checks;
    }

    /** The helper's dataplane answer: bpf with its programs and the fullest map, or nftables and the reason. */
    static Check dataplane(com.fasterxml.jackson.databind.JsonNode d) {
        if (!"bpf".equals(d.path("mode").asText())) {
            return new Check("dataplane", "warn", "nftables fallback (VIPs, policy and counters still work, slower): " + d.path("reason").asText("unknown"));
        }
        double fullest = 0;
        String which = "";
        for (com.fasterxml.jackson.databind.JsonNode m : d.path("maps")) {
            double pct = m.path("max").asLong() == 0 ? 0 : m.path("used").asLong() * 100.0 / m.path("max").asLong();
            if (pct >= fullest) {
                fullest = pct;
                which = m.path("name").asText();
            }
        }
        String status = fullest >= 90 ? "fail" : fullest >= 75 ? "warn" : "pass";
        return new Check("dataplane", status, "bpf: " + d.path("programs").size() + " programs" + (d.path("adopted").asBoolean() ? " (re-adopted)" : "")
                + ", fullest map " + which + " " + Math.round(fullest) + "%");
    }

    Check kernel() {
        String release = read("proc/sys/kernel/osrelease");
        if (release == null) return new Check("kernel", "fail", "cannot read /proc/sys/kernel/osrelease");
        String[] parts = release.split("[.-]");
        try {
            int major = Integer.parseInt(parts[0]), minor = Integer.parseInt(parts[1]);
            int v = major * 1000 + minor;
            String status = v >= 6001 ? "pass" : v >= 5015 ? "warn" : "fail";
            return new Check("kernel", status, release + (status.equals("pass") ? "" : " (6.1 or newer recommended, 5.15 at least)"));
        } catch (RuntimeException e) {
            return new Check("kernel", "fail", "unreadable kernel release " + release);
        }
    }

    /** The layout the node helper detects the same way; hybrid and legacy are supported with v1 controllers. */
    Check cgroups() {
        Path cg = root.resolve("sys/fs/cgroup");
        if (Files.exists(cg.resolve("cgroup.controllers"))) return new Check("cgroup-v2", "pass", "unified cgroup v2");
        if (Files.exists(cg.resolve("unified/cgroup.controllers"))) {
            return new Check("cgroup-v2", "warn", "hybrid: v1 controllers (memory, pids, cpu, devices, freezer) plus a v2 tree for PSI and cgroup.kill; supported");
        }
        return new Check("cgroup-v2", "warn", "legacy cgroup v1 only: supported, no PSI");
    }

    Check infiniband() {
        Path ib = root.resolve("sys/class/infiniband");
        try (var hcas = Files.list(ib)) {
            long n = hcas.count();
            return n > 0 ? new Check("infiniband", "pass", n + " HCA(s)") : new Check("infiniband", "warn", "no HCAs");
        } catch (IOException e) {
            return new Check("infiniband", "warn", "no HCAs");
        }
    }

    static Check disk(long free) {
        if (free < 0) return new Check("disk-space", "warn", "free space on / unreadable");
        long gb = free >> 30;
        String status = free >= 10L << 30 ? "pass" : free >= 2L << 30 ? "warn" : "fail";
        return new Check("disk-space", status, gb + " GB free on /" + (status.equals("pass") ? "" : " (10 GB recommended)"));
    }

    Check ioUring() {
        String disabled = read("proc/sys/kernel/io_uring_disabled");
        boolean on = disabled == null || disabled.equals("0");
        return new Check("io-uring", on ? "pass" : "warn", on ? "available" : "disabled by kernel.io_uring_disabled=" + disabled);
    }

    Check bpfJit() {
        String jit = read("proc/sys/net/core/bpf_jit_enable");
        boolean on = "1".equals(jit) || "2".equals(jit);
        return new Check("bpf-jit", on ? "pass" : "warn", on ? "enabled" : jit == null ? "unreadable" : "disabled");
    }

    Check mtu() {
        String mtu = read("sys/class/net/yoq0/mtu");
        if (mtu == null) return new Check("mtu", "warn", "bridge yoq0 absent (created with the first networked container)");
        int m = Integer.parseInt(mtu);
        return new Check("mtu", m >= 1500 ? "pass" : m >= 1280 ? "warn" : "fail", "yoq0 mtu " + m);
    }

    /** Container networking runs iproute2 and nftables (argument lists, no shell). */
    Check networkTools() {
        boolean ip = Files.isExecutable(root.resolve("usr/sbin/ip")) || Files.isExecutable(root.resolve("sbin/ip"));
        boolean nft = Files.isExecutable(root.resolve("usr/sbin/nft")) || Files.isExecutable(root.resolve("sbin/nft"));
        if (ip && nft) return new Check("network-tools", "pass", "ip and nft found");
        return new Check("network-tools", "fail", "missing " + (ip ? "" : "ip (iproute2) ") + (nft ? "" : "nft (nftables) ")
                + "- containers with a network cannot start (apt-get install iproute2 nftables)");
    }

    private Check exists(String name, String rel, String missingStatus, String ok, String missing) {
        return Files.exists(root.resolve(rel)) ? new Check(name, "pass", ok) : new Check(name, missingStatus, missing);
    }

    private String read(String rel) {
        try {
            return Files.readString(root.resolve(rel)).trim();
        } catch (IOException e) {
            return null;
        }
    }
}
