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
 * A container's secrets: {@code <container dir>/secrets} is a tmpfs of its own (never on disk), root-only (0700, so
 * no host user reaches it by path, whatever uid the files have). In it, {@code files/} holds one file per secret,
 * mode 0400, owned by the user the container runs as (mapped when it has a user namespace), which yoq-init binds
 * read-only on {@code /run/secrets}; and {@code env.conf} (0400, root) holds the secret environment variables as
 * yoq-init settings, which init.conf includes, so no value is ever written to the disk. A new value replaces its
 * file by rename: a reader sees the old value or the new one, never half of either, and nothing restarts.
 */
final class SecretFiles {
    static final Pattern NAME = dev.yoq.node.protocol.SecretNames.SECRET;
    static final Pattern ENV_NAME = dev.yoq.node.protocol.SecretNames.VARIABLE;
    static final String TARGET = "/run/secrets";
    /** The tmpfs's ceiling: what it holds is bounded by the secrets (≤ 4 MiB a container), this bounds a runaway. */
    static final String TMPFS_OPTIONS = "size=16m,nr_inodes=4096,mode=0700,nosuid,nodev,noexec";

    private SecretFiles() {}

    /**
     * Writes exactly {@code files} (name → value) and {@code env} (variable → value) into the container's tmpfs,
     * removing any other file there. The container's directory must exist (a removed container gets nothing).
     */
    static void write(ContainerSpec spec, ContainerDirs dirs, Map<String, byte[]> files, Map<String, byte[]> env) throws IOException {
        for (String name : files.keySet()) {
            if (!NAME.matcher(name).matches()) throw new HelperException(HelperError.INVALID, "secret file name " + name + " is invalid");
        }
        StringBuilder envConf = new StringBuilder();
        for (Map.Entry<String, byte[]> e : env.entrySet()) {
            if (!ENV_NAME.matcher(e.getKey()).matches()) throw new HelperException(HelperError.INVALID, "secret variable " + e.getKey() + " is invalid");
            String value = new String(e.getValue(), StandardCharsets.UTF_8);
            if (value.indexOf('\0') >= 0) throw new HelperException(HelperError.INVALID, "secret variable " + e.getKey() + " holds a NUL byte");
            envConf.append("env ").append(InitConfig.escape(e.getKey() + "=" + value)).append('\n');
        }
        if (!Files.isDirectory(dirs.root(), LinkOption.NOFOLLOW_LINKS)) {
            throw new HelperException(HelperError.NOT_FOUND, "no such container: " + dirs.root().getFileName());
        }
        int[] owner = files.isEmpty() ? null : owner(spec);   // variables only: whose the files would be does not matter
        Path dir = dirs.secrets();
        mountTmpfs(dir);
        Path filesDir = dir.resolve("files");
        if (!files.isEmpty() && !Files.isDirectory(filesDir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(filesDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        for (Map.Entry<String, byte[]> f : files.entrySet()) replace(filesDir, f.getKey(), f.getValue(), owner);
        if (Files.isDirectory(filesDir, LinkOption.NOFOLLOW_LINKS)) {
            try (var listing = Files.list(filesDir)) {
                for (Path p : listing.toList()) {
                    if (!files.containsKey(p.getFileName().toString())) Files.deleteIfExists(p);
                }
            }
        }
        if (env.isEmpty()) Files.deleteIfExists(dir.resolve("env.conf"));
        else replace(dir, "env.conf", envConf.toString().getBytes(StandardCharsets.UTF_8), new int[] {0, 0});
    }

    private static void replace(Path dir, String name, byte[] value, int[] owner) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--------")));
        Files.write(tmp, value);
        Files.setAttribute(tmp, "unix:uid", owner[0], LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(tmp, "unix:gid", owner[1], LinkOption.NOFOLLOW_LINKS);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The mount yoq-init makes, when the container has secret files, else null. */
    static ContainerSpec.Mount mount(ContainerDirs dirs) {
        Path files = dirs.secrets().resolve("files");
        return Files.isDirectory(files, LinkOption.NOFOLLOW_LINKS) ? new ContainerSpec.Mount(files.toString(), TARGET, true) : null;
    }

    /** The settings file init.conf includes, when the container has secret variables, else null. */
    static Path envInclude(ContainerDirs dirs) {
        Path conf = dirs.secrets().resolve("env.conf");
        return Files.isRegularFile(conf, LinkOption.NOFOLLOW_LINKS) ? conf : null;
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
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
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
