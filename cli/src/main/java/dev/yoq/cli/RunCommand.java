package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code yoq run [opts] <rootfs> [cmd...]} (spec §1.1): options come before the target, everything after it is
 * the command. Attached (the default) it prints the container's output and exits with its exit code; {@code -d}
 * prints the 12-hex id once the container runs.
 */
@Command(name = "run", description = "Create and run a container from an image (pulled if needed) or a rootfs directory.")
public class RunCommand implements Callable<Integer> {
    static final Pattern SIZE = Pattern.compile("(\\d+)([kKmMgG]?)[bB]?");

    @ParentCommand
    YoqCommand yoq;

    @Option(names = "--name", description = "container name (also its hostname): 1-63 of A-Z a-z 0-9 -")
    String name;

    @Option(names = {"-e", "--env"}, description = "KEY=VALUE (repeatable)")
    List<String> env = new ArrayList<>();

    @Option(names = {"-v", "--volume", "--mount"}, description = "SRC:DST[:ro|rw] bind mount, read-only by default (repeatable)")
    List<String> volumes = new ArrayList<>();

    @Option(names = "-p", description = "HOST:CTR port mapping (repeatable)")
    List<String> ports = new ArrayList<>();

    @Option(names = "--memory", description = "memory limit: a number with k, m or g (1024-based); minimum 4m, default 512m")
    String memory;

    @Option(names = "--pids", description = "most processes at once (default 4096)")
    Long pids;

    @Option(names = "--cpu-weight", description = "CPU weight 1-10000 (default 100)")
    Integer cpuWeight;

    @Option(names = "--cpus", description = "CPU quota in cores (0 < cpus <= 1024)")
    Double cpus;

    @Option(names = {"-d", "--detach"}, description = "run in the background and print the container id")
    boolean detach;

    @Option(names = "--restart", description = "no, always or on-failure (default no)")
    String restart;

    @Option(names = "--no-net", description = "loopback only")
    boolean noNet;

    @Option(names = "--net", description = "networking on (the default)")
    boolean net;

    @Option(names = "--userns", description = "yoq's addition: run in a user namespace (root inside is an unprivileged host uid)")
    boolean userns;

    @Parameters(index = "0", paramLabel = "TARGET", description = "image reference, or rootfs directory (/..., ./..., ../..., . or ..)")
    String target;

    @Option(names = "--cap-add", paramLabel = "CAP", description = "keep one more capability (NET_ADMIN, SYS_CHROOT, ...; those reaching the host kernel are refused); repeatable")
    List<String> capAdd = new ArrayList<>();

    @Option(names = "--cap-drop", paramLabel = "CAP", description = "drop a capability of the default set (or ALL); repeatable")
    List<String> capDrop = new ArrayList<>();

    @Parameters(index = "1..*", paramLabel = "CMD", description = "command and arguments")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        ApiClient api = yoq.options.client();
        JsonNode created = api.post("/containers", body()).json();
        String id = created.path("id").asText();
        if (detach) {
            yoq.out.println(id);
            return 0;
        }
        int code = attach(api, id, yoq.out);
        JsonNode end = api.get("/containers/" + id).json();
        if (end.path("oom_killed").asBoolean()) {
            yoq.err.println(oomMessage(memory == null ? dev.yoq.node.protocol.Limits.DEFAULT_MEMORY : size(memory)));
            return 137;
        }
        return code;
    }

    /** What a foreground container killed for memory prints: the limit it ran with, in MiB. */
    static String oomMessage(long limitBytes) {
        long mib = limitBytes >> 20;
        return "killed: out of memory (limit " + (mib << 20 == limitBytes ? mib + " MiB" : limitBytes + " bytes") + ")";
    }

    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target", rootfs(target));
        body.put("command", command);
        if (name != null) body.put("name", name);
        for (String e : env) {
            if (e.indexOf('=') < 1) throw new CliException("invalid env " + e + ": expected KEY=VALUE");
        }
        body.put("env", env);
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (String v : volumes) mounts.add(volume(v));
        body.put("volumes", mounts);
        body.put("ports", ports);
        if (memory != null) body.put("memory_bytes", size(memory));
        if (pids != null) body.put("pids", pids);
        if (cpuWeight != null) body.put("cpu_weight", cpuWeight);
        if (cpus != null) body.put("cpus", cpus);
        if (restart != null) body.put("restart", restart);
        body.put("network", !noNet);
        if (userns) body.put("user_namespace", true);
        if (!capAdd.isEmpty()) body.put("cap_add", capAdd);
        if (!capDrop.isEmpty()) body.put("cap_drop", capDrop);
        return body;
    }

    /** Prints the output as it comes, waits for the end, and returns the container's exit code. */
    static int attach(ApiClient api, String id, java.io.PrintStream out) throws InterruptedException {
        long offset = 0;
        while (true) {
            JsonNode state = api.post("/containers/" + id + "/wait?timeout_ms=200", null).json();
            JsonNode logs = api.get("/containers/" + id + "/logs?offset=" + offset).json();
            out.print(logs.path("logs").asText());
            out.flush();
            offset = logs.path("offset").asLong();
            if (!state.path("status").asText().equals("running")) {
                String more;
                do {   // what was written just before the end
                    logs = api.get("/containers/" + id + "/logs?offset=" + offset).json();
                    more = logs.path("logs").asText();
                    out.print(more);
                    offset = logs.path("offset").asLong();
                } while (!more.isEmpty());
                out.flush();
                JsonNode code = state.path("exit_code");
                if (code.isNull() || code.isMissingNode()) {
                    throw new CliException("container " + id + " did not run: " + state.path("status_reason").asText("unknown reason"));
                }
                return code.asInt();
            }
        }
    }

    /** A rootfs path made absolute (it names a directory here), or an image reference passed on as typed. */
    static String rootfs(String target) {
        boolean pathLike = target.startsWith("/") || target.startsWith("./") || target.startsWith("../")
                || target.equals(".") || target.equals("..");
        if (!pathLike) return target;
        Path p = Path.of(target).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) throw new CliException("rootfs directory " + target + " does not exist");
        return p.toString();
    }

    /** SRC:DST[:ro|rw]; SRC is a host path (/..., ./..., ../...) made absolute here, DST absolute. */
    static Map<String, Object> volume(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new CliException("invalid volume " + spec + ": expected SRC:DST[:ro|rw]");
        }
        String src = parts[0];
        if (!(src.startsWith("/") || src.startsWith("./") || src.startsWith("../"))) {
            throw new CliException("invalid volume " + spec + ": the source must be a host path starting with /, ./ or ../");
        }
        if (!parts[1].startsWith("/")) throw new CliException("invalid volume " + spec + ": the target must be absolute");
        boolean readOnly = true;
        if (parts.length == 3) {
            if (!parts[2].equals("ro") && !parts[2].equals("rw")) {
                throw new CliException("invalid volume " + spec + ": the mode must be ro or rw");
            }
            readOnly = parts[2].equals("ro");
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("source", Path.of(src).toAbsolutePath().normalize().toString());
        v.put("target", parts[1]);
        v.put("read_only", readOnly);
        return v;
    }

    /** A number with an optional k/m/g suffix (1024-based); saturates instead of overflowing. */
    static long size(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) throw new CliException("invalid size " + text + ": expected a number with k, m or g");
        int shift = switch (m.group(2).toLowerCase()) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            return n > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : n << shift;
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
