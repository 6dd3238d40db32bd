package dev.yoq.node.daemon.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * TC clsact attachment through iproute2's tc, with argument lists (never a shell). A tc filter holds its own
 * reference to the pinned program, so the attachment outlives the helper process, and "filter replace" with a
 * fixed prio/handle makes attach idempotent and swaps programs atomically after a reload.
 */
final class Tc {
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.@:-]{1,15}");
    static final String PRIO = "1";
    static final String HANDLE = "1";

    private Tc() {}

    static void attach(String ifname, Path ingressPin, Path egressPin) throws IOException {
        check(ifname);
        run(List.of("tc", "qdisc", "replace", "dev", ifname, "clsact"), false);
        run(List.of("tc", "filter", "replace", "dev", ifname, "ingress", "prio", PRIO, "handle", HANDLE, "bpf", "da",
                "object-pinned", ingressPin.toString()), false);
        run(List.of("tc", "filter", "replace", "dev", ifname, "egress", "prio", PRIO, "handle", HANDLE, "bpf", "da",
                "object-pinned", egressPin.toString()), false);
    }

    /** Removes only our filters (other clsact users keep theirs); a missing interface or filter is fine. */
    static void detach(String ifname) throws IOException {
        check(ifname);
        if (!Files.exists(Path.of("/sys/class/net", ifname))) return;
        for (String dir : List.of("ingress", "egress")) {
            run(List.of("tc", "filter", "del", "dev", ifname, dir, "prio", PRIO, "handle", HANDLE, "bpf"), true);
        }
    }

    private static void check(String ifname) {
        if (ifname == null || !IFNAME.matcher(ifname).matches()) throw new IllegalArgumentException("not an interface name: " + ifname);
    }

    private static void run(List<String> cmd, boolean missingIsFine) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run tc (apt-get install iproute2): " + e.getMessage(), e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
            if (p.exitValue() == 0) return;
            if (missingIsFine && (out.contains("Cannot find") || out.contains("No such file") || out.contains("does not exist"))) return;
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }
}
