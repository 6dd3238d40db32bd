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

    static void check(String ifname) {
        if (ifname == null || !IFNAME.matcher(ifname).matches()) throw new IllegalArgumentException("not an interface name: " + ifname);
    }

    private static void run(List<String> cmd, boolean missingIsFine) throws IOException {
        Result r;
        try {
            r = exec(cmd, TIMEOUT_SECONDS);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("cannot start")) {
                throw new IOException("cannot run tc (apt-get install iproute2): " + e.getMessage(), e);
            }
            throw e;
        }
        if (r.exit() == 0) return;
        String out = r.output();
        if (missingIsFine && (out.contains("Cannot find") || out.contains("No such file") || out.contains("does not exist"))) return;
        throw new IOException(String.join(" ", cmd) + " failed (exit " + r.exit() + "): " + out);
    }

    static final int TIMEOUT_SECONDS = 20;

    record Result(int exit, String output) {}

    static Result exec(List<String> cmd, int timeoutSeconds) throws IOException {
        dev.yoq.node.daemon.sys.Commands.Result r = dev.yoq.node.daemon.sys.Commands.exec(cmd, timeoutSeconds);
        return new Result(r.exit(), r.output());
    }
}
