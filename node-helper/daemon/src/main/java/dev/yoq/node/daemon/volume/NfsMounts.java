package dev.yoq.node.daemon.volume;

import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * NFS volumes (spec §3.15): {@code server:path} mounted once at {@code <data>/mounts/nfs/<app>/<volume>}, which
 * app containers then bind. The helper only mounts what the server asks, and only there; the host's NFS client
 * ({@code mount.nfs}, Debian's nfs-common) does the protocol work.
 */
public final class NfsMounts {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    static final Pattern SERVER = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
    static final Pattern OPTIONS = Pattern.compile("[A-Za-z0-9_=,.:/-]{0,512}");
    private final Path root;
    private final Path mountNfs;

    public NfsMounts(Path dataRoot, Path mountNfs) {
        this.root = dataRoot.resolve("mounts").resolve("nfs");
        this.mountNfs = mountNfs;
    }

    /** Mounts (or finds mounted) the export for an app's volume; returns the mount point. */
    public Path mount(String app, String volume, String server, String export, String options) throws IOException {
        check(app, volume, server, export, options);
        if (!Files.isExecutable(mountNfs)) {
            throw new HelperException(HelperError.INVALID, "volume " + volume + ": this node has no NFS client (" + mountNfs
                    + " is missing): apt-get install nfs-common");
        }
        Path target = root.resolve(app).resolve(volume);
        Files.createDirectories(target);
        if (mounted(target)) return target;
        List<String> cmd = new ArrayList<>(List.of("mount", "-t", "nfs"));
        if (options != null && !options.isEmpty()) cmd.addAll(List.of("-o", options));
        cmd.addAll(List.of(server + ":" + export, target.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new HelperException(HelperError.INVALID, "volume " + volume + ": mounting " + server + ":" + export + " took over 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new HelperException(HelperError.INVALID, "volume " + volume + ": mount " + server + ":" + export + " failed: " + out);
        }
        return target;
    }

    static void check(String app, String volume, String server, String export, String options) {
        if (app == null || !NAME.matcher(app).matches()) throw invalid("bad app name " + app);
        if (volume == null || !NAME.matcher(volume).matches()) throw invalid("bad volume name " + volume);
        if (server == null || !SERVER.matcher(server).matches()) throw invalid("volume " + volume + ": bad NFS server " + server);
        if (export == null || !export.startsWith("/") || export.contains("..") || export.length() > 1024 || export.chars().anyMatch(c -> c < 32)) {
            throw invalid("volume " + volume + ": the export path must be absolute, got " + export);
        }
        if (options != null && !OPTIONS.matcher(options).matches()) throw invalid("volume " + volume + ": bad mount options " + options);
    }

    private static HelperException invalid(String message) {
        return new HelperException(HelperError.INVALID, message);
    }

    static boolean mounted(Path target) throws IOException {
        String t = target.toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].equals(t)) return true;
        }
        return false;
    }
}
