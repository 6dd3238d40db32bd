package dev.yoq.node.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which host paths may become a container's bind mount, host volume or root filesystem. The server checks it
 * (and {@code yoq validate}/{@code up} with it, naming the rule) and the helper checks it again, because the
 * helper is root and must refuse whatever it is asked, forged requests included.
 *
 * <p>A path is resolved to its real path first (symlinks, {@code ..}). It is refused when it equals, contains or
 * lies inside a protected path: the system's ({@link #SYSTEM}, plus every {@code /lib*} at the root) and yoq's
 * own (the data directory, the helper socket's directory, the install). Inside yoq's own paths only the managed
 * volumes directory is usable. An operator may allow host prefixes ({@code yoq.host_paths.allow}); an allowed
 * prefix lifts the system rule for what lies inside it, never the rule on yoq's own paths.
 *
 * @param system  protected system paths ("/" is protected only as itself and by containing the others)
 * @param own     yoq's own paths: never mountable, whatever the operator allows
 * @param managed directories inside yoq's own paths whose contents containers may use (local volumes)
 * @param allowed host prefixes the operator allows
 */
public record HostPaths(List<Path> system, List<Path> own, List<Path> managed, List<Path> allowed) {

    /** The protected system paths of the hardening issue and spec §1.1 ({@code /lib*} is added from the host). */
    public static final List<String> SYSTEM = List.of("/", "/proc", "/sys", "/dev", "/boot", "/etc", "/run", "/var/run",
            "/root", "/home", "/usr", "/bin", "/sbin", "/var/lib");
    public static final String ALLOW_PROPERTY = "yoq.host_paths.allow";
    public static final String ALLOW_ENV = "YOQ_HOST_PATHS_ALLOW";

    public HostPaths {
        system = List.copyOf(system);
        own = List.copyOf(own);
        managed = List.copyOf(managed);
        allowed = List.copyOf(allowed);
    }

    /**
     * The policy of a node: the system paths (with this host's {@code /lib*}), the data directory, the helper
     * socket's directory and the install directories given, with the data directory's volumes as managed.
     */
    public static HostPaths forNode(DataLayout data, Path socket, List<Path> install, String allowList) {
        List<Path> own = new ArrayList<>();
        own.add(data.root());
        if (socket != null && socket.getParent() != null) own.add(socket.getParent());
        own.addAll(install);
        return new HostPaths(systemPaths(Path.of("/")), own, List.of(data.volumes()), parseAllowList(allowList));
    }

    static List<Path> systemPaths(Path root) {
        Set<Path> paths = new LinkedHashSet<>();
        SYSTEM.forEach(p -> paths.add(Path.of(p)));
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(p -> p.getFileName().toString().startsWith("lib")).forEach(p -> paths.add(Path.of("/").resolve(p.getFileName().toString())));
        } catch (IOException e) {
            // an unreadable root: the fixed list still holds
        }
        return List.copyOf(paths);
    }

    /** Comma-separated absolute prefixes; a relative or blank entry is an error naming it. */
    public static List<Path> parseAllowList(String raw) {
        List<Path> out = new ArrayList<>();
        if (raw == null || raw.isBlank()) return out;
        for (String part : raw.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            if (!p.startsWith("/")) throw new IllegalArgumentException(ALLOW_PROPERTY + ": " + p + " is not an absolute path");
            out.add(Path.of(p).normalize());
        }
        return out;
    }

    /**
     * Why {@code path} may not be mounted, or empty when it may. {@code what} names it in the message ("volume
     * source", "rootfs"). A path that does not exist is reported as such.
     */
    public Optional<String> refusal(String what, String path) {
        Path real;
        try {
            real = Path.of(path).toRealPath();
        } catch (IOException | RuntimeException e) {
            return Optional.of(what + " " + path + " does not exist");
        }
        String shown = real.toString().equals(path) ? path : path + " (really " + real + ")";
        for (Path m : managed) if (strictlyInside(real, m) || strictlyInside(real, realOf(m))) return Optional.empty();
        boolean allowedPrefix = allowed.stream().anyMatch(a -> real.startsWith(a) || real.startsWith(realOf(a)));
        if (!allowedPrefix) {   // a system path itself is named as such first ("/" also contains yoq's own paths)
            for (Path s : system) if (variants(s).contains(real)) return Optional.of(systemRefusal(what, shown, real, real));
        }
        for (Path o : own) {
            for (Path p : variants(o)) {
                if (overlaps(real, p)) {
                    return Optional.of(what + " " + shown + " " + relation(real, p) + " yoq's own " + p
                            + " (the data directory, helper socket and install are never mounted into containers)");
                }
            }
        }
        if (allowedPrefix) return Optional.empty();
        for (Path s : system) {
            for (Path p : variants(s)) {
                if (p.getParent() == null ? real.equals(p) : overlaps(real, p)) return Optional.of(systemRefusal(what, shown, real, p));
            }
        }
        return Optional.empty();
    }

    private static String systemRefusal(String what, String shown, Path real, Path p) {
        return what + " " + shown + " " + relation(real, p) + " the protected host path " + p
                + " (allow a host prefix with " + ALLOW_PROPERTY + " / " + ALLOW_ENV + ")";
    }

    private static boolean overlaps(Path real, Path p) {
        return real.startsWith(p) || p.startsWith(real);
    }

    private static boolean strictlyInside(Path real, Path dir) {
        return real.startsWith(dir) && !real.equals(dir);
    }

    private static String relation(Path real, Path p) {
        if (real.equals(p)) return "is";
        return real.startsWith(p) ? "lies inside" : "contains";
    }

    /** The path as written and its real path (/var/run is /run, /lib is /usr/lib on merged-/usr hosts). */
    private static List<Path> variants(Path p) {
        Path real = realOf(p);
        return real.equals(p) ? List.of(p) : List.of(p, real);
    }

    private static Path realOf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | RuntimeException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
