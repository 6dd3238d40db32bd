package dev.yoq.node.daemon.container;

import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A container's secrets as files: {@code <container dir>/secrets} is a tmpfs of its own (never on disk), holding
 * one file per secret, mode 0400, owned by the user the container runs as (mapped when it has a user namespace);
 * yoq-init binds it read-only on {@code /run/secrets}. A new value replaces its file by rename, so a reader sees
 * the old value or the new one, never half of either, and the container is not restarted.
 */
final class SecretFiles {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String TARGET = "/run/secrets";
    /** The tmpfs's ceiling: what it holds is bounded by the secrets (≤ 1 MiB each), this bounds a runaway. */
    static final String TMPFS_OPTIONS = "size=64m,nr_inodes=4096,mode=0755,nosuid,nodev,noexec";

    private SecretFiles() {}

    /** Writes exactly {@code files} (name → value) into the container's secrets, removing any other file there. */
    static void write(ContainerSpec spec, ContainerDirs dirs, Map<String, byte[]> files) throws IOException {
        for (String name : files.keySet()) {
            if (!NAME.matcher(name).matches()) throw new HelperException(HelperError.INVALID, "secret file name " + name + " is invalid");
        }
        int[] owner = owner(spec);
        Path dir = dirs.secrets();
        mountTmpfs(dir);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path tmp = dir.resolve("." + f.getKey() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--------")));
            Files.write(tmp, f.getValue());
            Files.setAttribute(tmp, "unix:uid", owner[0], LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(tmp, "unix:gid", owner[1], LinkOption.NOFOLLOW_LINKS);
            Files.move(tmp, dir.resolve(f.getKey()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        try (var listing = Files.list(dir)) {
            for (Path p : listing.toList()) {
                if (!files.containsKey(p.getFileName().toString())) Files.deleteIfExists(p);
            }
        }
    }

    /** The mount yoq-init makes, when the container has secret files. */
    static ContainerSpec.Mount mount(ContainerDirs dirs) {
        return new ContainerSpec.Mount(dirs.secrets().toString(), TARGET, true);
    }

    static boolean present(ContainerDirs dirs) {
        return Files.isDirectory(dirs.secrets(), LinkOption.NOFOLLOW_LINKS);
    }

    /** Unmounts the tmpfs (lazily: a process may still hold a file open); the values are gone with it. */
    static void release(ContainerDirs dirs) {
        if (!present(dirs)) return;
        if (mounted(dirs.secrets())) run(List.of("umount", "-l", dirs.secrets().toString()));
    }

    private static void mountTmpfs(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (mounted(dir)) return;
        String error = run(List.of("mount", "-t", "tmpfs", "-o", TMPFS_OPTIONS, "yoq-secrets", dir.toString()));
        if (error != null) throw new HelperException(HelperError.INTERNAL, "mount a tmpfs for secrets at " + dir + ": " + error);
    }

    private static boolean mounted(Path dir) {
        try {
            String target = dir.toRealPath().toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].equals(target)) return true;
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Null when the command succeeded, else what it said. */
    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + ": timed out";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? null : out.isEmpty() ? "exit " + p.exitValue() : out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * The host uid and gid the container's user is: numeric ids as given, names from the image's own /etc/passwd
     * and /etc/group (the topmost layer that has the file; never the host's), plus the user namespace's base.
     */
    static int[] owner(ContainerSpec spec) throws IOException {
        String user = spec.user() == null || spec.user().isBlank() ? "0" : spec.user().strip();
        String[] parts = user.split(":", 2);
        String[] passwd = null;
        int uid;
        Integer gid = null;
        if (parts[0].matches("\\d{1,9}")) {
            uid = Integer.parseInt(parts[0]);
        } else {
            passwd = entry(spec, "etc/passwd", parts[0]);
            if (passwd == null || passwd.length < 4 || !passwd[2].matches("\\d{1,9}")) {
                throw new HelperException(HelperError.INVALID, "secrets: user " + parts[0] + " is not in the image's /etc/passwd");
            }
            uid = Integer.parseInt(passwd[2]);
            if (passwd[3].matches("\\d{1,9}")) gid = Integer.parseInt(passwd[3]);
        }
        if (parts.length == 2) {
            if (parts[1].matches("\\d{1,9}")) {
                gid = Integer.parseInt(parts[1]);
            } else {
                String[] group = entry(spec, "etc/group", parts[1]);
                if (group == null || group.length < 3 || !group[2].matches("\\d{1,9}")) {
                    throw new HelperException(HelperError.INVALID, "secrets: group " + parts[1] + " is not in the image's /etc/group");
                }
                gid = Integer.parseInt(group[2]);
            }
        }
        if (gid == null) gid = uid == 0 ? 0 : primaryGroup(spec, uid);
        long base = spec.userNamespace() ? spec.userNamespaceBase() : 0;
        return new int[] {(int) (base + uid), (int) (base + gid)};
    }

    private static int primaryGroup(ContainerSpec spec, int uid) throws IOException {
        String[] byId = entryById(spec, uid);
        return byId != null && byId.length > 3 && byId[3].matches("\\d{1,9}") ? Integer.parseInt(byId[3]) : uid;
    }

    private static String[] entry(ContainerSpec spec, String file, String name) throws IOException {
        for (String line : lines(spec, file)) {
            String[] f = line.split(":", -1);
            if (f[0].equals(name)) return f;
        }
        return null;
    }

    private static String[] entryById(ContainerSpec spec, int uid) throws IOException {
        for (String line : lines(spec, "etc/passwd")) {
            String[] f = line.split(":", -1);
            if (f.length > 2 && f[2].equals(Integer.toString(uid))) return f;
        }
        return null;
    }

    /** The file from the topmost layer holding it as a regular file (a symlink there is not followed: no such file). */
    private static List<String> lines(ContainerSpec spec, String file) throws IOException {
        for (String lower : spec.lowerDirs()) {
            Path p = Path.of(lower).resolve(file);
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) <= (1 << 20)
                    && !Files.isSymbolicLink(p.getParent())) {
                return Files.readAllLines(p, StandardCharsets.ISO_8859_1);
            }
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return List.of();
        }
        return List.of();
    }
}
