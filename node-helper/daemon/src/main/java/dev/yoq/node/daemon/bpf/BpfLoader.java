package dev.yoq.node.daemon.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Gets the dataplane's programs and maps as fds: by adopting the pins a previous helper left under the pin dir
 * (same kernel objects, maps keep their contents), or by loading the object fresh and pinning it.
 * Pins are the only state that survives the helper, so "adopt if complete and current, else start clean" is the
 * whole protocol; the meta map holds the SHA-256 of the object that created them.
 */
final class BpfLoader {
    static final List<String> PROGRAMS = List.of("lb_ingress", "lb_egress");
    static final List<String> MAPS = List.of("vips", "conntrack", "rev_nat", "counters", "pairs", "policy_deny",
            "policy_allow_only", "policy_allow", "config", "veth_src", "meta");
    static final int BPF_PROG_TYPE_SCHED_CLS = 3;

    record Loaded(Map<String, Integer> progFds, Map<String, Integer> progIds, Map<String, BpfMap> maps, boolean adopted) {}

    private BpfLoader() {}

    static Loaded open(Libbpf lib, Path pinDir, byte[] object, byte[] sha256, Consumer<String> log) throws BpfUnavailableException {
        ensureBpffs(pinDir, log);
        try {
            Files.createDirectories(pinDir);
        } catch (IOException e) {
            throw new BpfUnavailableException("cannot create the pin directory " + pinDir + ": " + e, e);
        }
        List<String> pins = new ArrayList<>(PROGRAMS);
        pins.addAll(MAPS);
        long present = pins.stream().filter(n -> Files.exists(pinDir.resolve(n))).count();
        if (present == pins.size()) {
            Loaded adopted = adopt(lib, pinDir, true);
            if (adopted != null) {
                byte[] pinnedSha = lookupMeta(adopted);
                if (Arrays.equals(pinnedSha, sha256)) return adopted;
                log.accept("bpf: pinned programs under " + pinDir + " come from another object version: reloading"
                        + " (attached interfaces keep the old programs until attach() is called again)");
                closeAll(adopted);
            } else {
                log.accept("bpf: pins under " + pinDir + " are unreadable: reloading");
            }
        } else if (present > 0) {
            log.accept("bpf: " + present + " of " + pins.size() + " pins under " + pinDir + " (an interrupted load): reloading");
        }
        removePins(pinDir);
        loadAndPin(lib, pinDir, object, sha256, log);
        Loaded fresh = adopt(lib, pinDir, false);
        if (fresh == null) throw new BpfUnavailableException("the programs were pinned under " + pinDir + " but cannot be opened again");
        return fresh;
    }

    /** Opens every pin; null if one cannot be opened or is not what it should be (then the caller reloads). */
    private static Loaded adopt(Libbpf lib, Path pinDir, boolean adopted) {
        Map<String, Integer> progFds = new LinkedHashMap<>();
        Map<String, Integer> progIds = new LinkedHashMap<>();
        Map<String, BpfMap> maps = new LinkedHashMap<>();
        Loaded result = new Loaded(progFds, progIds, maps, adopted);
        for (String name : PROGRAMS) {
            int fd = lib.bpf_obj_get(pinDir.resolve(name).toString());
            if (fd < 0) return closeAll(result);
            progFds.put(name, fd);
            int[] info = info(lib, fd);
            if (info == null || info[0] != BPF_PROG_TYPE_SCHED_CLS) return closeAll(result);
            progIds.put(name, info[1]);
        }
        for (String name : MAPS) {
            int fd = lib.bpf_obj_get(pinDir.resolve(name).toString());
            if (fd < 0) return closeAll(result);
            int[] info = info(lib, fd);
            if (info == null) {
                Libbpf.C.INSTANCE.close(fd);
                return closeAll(result);
            }
            maps.put(name, new BpfMap(lib, name, fd, info[1], info[2], info[3], info[4]));
        }
        return result;
    }

    /** bpf_prog_info / bpf_map_info: type@0, id@4, and for maps key_size@8, value_size@12, max_entries@16. */
    static int[] info(Libbpf lib, int fd) {
        try (Memory m = new Memory(256)) {
            m.clear();
            IntByReference len = new IntByReference(256);
            if (lib.bpf_obj_get_info_by_fd(fd, m, len) < 0) return null;
            return new int[] {m.getInt(0), m.getInt(4), m.getInt(8), m.getInt(12), m.getInt(16)};
        }
    }

    private static byte[] lookupMeta(Loaded l) {
        try {
            return l.maps().get("meta").lookup(new byte[4]);
        } catch (IOException e) {
            return null;
        }
    }

    static Loaded closeAll(Loaded l) {
        l.progFds().values().forEach(Libbpf.C.INSTANCE::close);
        l.maps().values().forEach(m -> Libbpf.C.INSTANCE.close(m.fd));
        return null;
    }

    static void removePins(Path pinDir) {
        for (String n : PROGRAMS) deleteQuietly(pinDir.resolve(n));
        for (String n : MAPS) deleteQuietly(pinDir.resolve(n));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // the next open() sees a partial set and tries again
        }
    }

    private static void loadAndPin(Libbpf lib, Path pinDir, byte[] object, byte[] sha256, Consumer<String> log)
            throws BpfUnavailableException {
        Memory buf = new Memory(object.length);
        buf.write(0, object, 0, object.length);
        Libbpf.Holder.takeWarnings();
        Pointer obj = lib.bpf_object__open_mem(buf, object.length, null);
        if (obj == null) {
            throw new BpfUnavailableException("libbpf cannot open the eBPF object (errno " + Native.getLastError() + "): "
                    + excerpt(Libbpf.Holder.takeWarnings()));
        }
        try {
            int rc = lib.bpf_object__load(obj);
            if (rc < 0) {
                throw new BpfUnavailableException("the kernel refused the eBPF programs (errno " + (-rc) + "): "
                        + excerpt(Libbpf.Holder.takeWarnings()));
            }
            for (String name : PROGRAMS) {
                Pointer prog = lib.bpf_object__find_program_by_name(obj, name);
                if (prog == null) throw new BpfUnavailableException("the eBPF object has no program " + name);
                rc = lib.bpf_program__pin(prog, pinDir.resolve(name).toString());
                if (rc < 0) throw new BpfUnavailableException("cannot pin " + name + " under " + pinDir + " (errno " + (-rc) + ")");
            }
            for (String name : MAPS) {
                Pointer map = lib.bpf_object__find_map_by_name(obj, name);
                if (map == null) throw new BpfUnavailableException("the eBPF object has no map " + name);
                rc = lib.bpf_map__pin(map, pinDir.resolve(name).toString());
                if (rc < 0) throw new BpfUnavailableException("cannot pin map " + name + " under " + pinDir + " (errno " + (-rc) + ")");
            }
            // last: the version stamp; a crash before this leaves pins that the next open() reloads
            Pointer meta = lib.bpf_object__find_map_by_name(obj, "meta");
            rc = lib.bpf_map_update_elem(lib.bpf_map__fd(meta), new byte[4], sha256, 0);
            if (rc < 0) throw new BpfUnavailableException("cannot write the version stamp (errno " + (-rc) + ")");
            log.accept("bpf: loaded and pinned " + PROGRAMS + " and " + MAPS.size() + " maps under " + pinDir);
        } catch (BpfUnavailableException e) {
            removePins(pinDir);
            throw e;
        } finally {
            lib.bpf_object__close(obj);
            Reference.reachabilityFence(buf);
        }
    }

    /** The end of libbpf's warnings, where the verifier states what it refused. */
    static String excerpt(String warnings) {
        if (warnings.isBlank()) return "(libbpf said nothing; run with the helper's log at debug)";
        String[] lines = warnings.split("\n");
        int from = Math.max(0, lines.length - 25);
        String tail = String.join("\n", Arrays.asList(lines).subList(from, lines.length));
        return tail.length() > 4000 ? tail.substring(tail.length() - 4000) : tail;
    }

    /** The pin dir must be on bpffs; /sys/fs/bpf is mounted when it is not (as systemd, or `tc ... bpf obj`, would). */
    static void ensureBpffs(Path pinDir, Consumer<String> log) throws BpfUnavailableException {
        Path abs = pinDir.toAbsolutePath().normalize();
        if ("bpf".equals(fsTypeOf(abs))) return;
        Path standard = Path.of("/sys/fs/bpf");
        if (abs.startsWith(standard) && !"bpf".equals(fsTypeOf(standard))) {
            Tc.Result r;
            try {
                r = Tc.exec(List.of("mount", "-t", "bpf", "bpf", standard.toString()), 10);
            } catch (IOException e) {
                throw new BpfUnavailableException("bpffs is not mounted at /sys/fs/bpf and mount(8) failed: " + e.getMessage(), e);
            }
            if (r.exit() != 0) {
                throw new BpfUnavailableException("bpffs is not mounted at /sys/fs/bpf and mounting it failed: " + r.output());
            }
            log.accept("bpf: mounted bpffs at /sys/fs/bpf");
        }
        if (!"bpf".equals(fsTypeOf(abs))) {
            throw new BpfUnavailableException(pinDir + " is not on a bpf filesystem (mount -t bpf bpf /sys/fs/bpf, and pin under it)");
        }
    }

    /** The type of the filesystem holding path: the longest mount point above it in /proc/self/mounts (last one wins). */
    static String fsTypeOf(Path path) {
        String best = null;
        int bestLen = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length < 3) continue;
                Path mp = Path.of(f[1].replace("\\040", " "));
                if (path.startsWith(mp) && mp.toString().length() >= bestLen) {
                    bestLen = mp.toString().length();
                    best = f[2];
                }
            }
        } catch (IOException e) {
            return null;
        }
        return best;
    }
}
