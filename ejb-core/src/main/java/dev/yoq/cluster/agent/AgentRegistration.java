package dev.yoq.cluster.agent;

import dev.yoq.cluster.schedule.NodeRole;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A checked {@code POST /agents/register} body (spec §5.3): every field in range, or the list of what is wrong.
 * The join token is compared elsewhere, in constant time, before this is read.
 */
public record AgentRegistration(String address, int agentApiPort, int cpuCores, long memoryMb, String wgPublicKey,
                                int wgListenPort, NodeRole role, String region, int gpuCount, long gpuVramMb,
                                String gpuModel, Map<String, String> labels) {
    public static final int DEFAULT_AGENT_PORT = 7701;
    public static final int DEFAULT_WG_PORT = 51820;
    public static final int MAX_CPU_CORES = 10_000;
    public static final long MAX_MEMORY_MB = 10_000_000;
    static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");
    static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9._-]{0,63}");

    /** The raw fields as the JSON body gave them (null where absent). */
    public record Raw(String address, Long agentApiPort, Long cpuCores, Long memoryMb, String wgPublicKey,
                      Long wgListenPort, String role, String region, Long gpuCount, Long gpuVramMb, String gpuModel,
                      String labels) {
    }

    /** Thrown with every problem found, each naming its field. */
    public static final class Invalid extends IllegalArgumentException {
        public final List<String> problems;

        Invalid(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }
    }

    public static AgentRegistration check(Raw raw) {
        List<String> problems = new ArrayList<>();
        if (raw.address() == null || raw.address().isEmpty()) problems.add("address is required");
        else if (!dev.yoq.cluster.Ipv4.isValid(raw.address())) problems.add("address must be an IPv4 address, got " + raw.address());
        int apiPort = port(raw.agentApiPort(), DEFAULT_AGENT_PORT, "agent_api_port", problems);
        int wgPort = port(raw.wgListenPort(), DEFAULT_WG_PORT, "wg_listen_port", problems);
        long cpu = raw.cpuCores() == null ? 0 : raw.cpuCores();
        if (cpu < 1 || cpu > MAX_CPU_CORES) problems.add("cpu_cores must be 1-" + MAX_CPU_CORES + ", got " + cpu);
        long mem = raw.memoryMb() == null ? 0 : raw.memoryMb();
        if (mem < 1 || mem > MAX_MEMORY_MB) problems.add("memory_mb must be 1-" + MAX_MEMORY_MB + ", got " + mem);
        if (raw.wgPublicKey() != null && !isWireguardKey(raw.wgPublicKey())) {
            problems.add("wg_public_key must be a base64 WireGuard key (32 bytes)");
        }
        NodeRole role = NodeRole.BOTH;
        if (raw.role() != null) {
            try {
                role = NodeRole.parse(raw.role());
            } catch (IllegalArgumentException e) {
                problems.add("role: " + e.getMessage());
            }
        }
        if (raw.region() != null && !REGION.matcher(raw.region()).matches()) {
            problems.add("region must be 1-63 lowercase letters, digits or '-', got " + raw.region());
        }
        long gpus = raw.gpuCount() == null ? 0 : raw.gpuCount();
        if (gpus < 0 || gpus > 1024) problems.add("gpu_count must be 0-1024, got " + gpus);
        long vram = raw.gpuVramMb() == null ? 0 : raw.gpuVramMb();
        if (vram < 0 || vram > MAX_MEMORY_MB) problems.add("gpu_vram_mb must be 0-" + MAX_MEMORY_MB + ", got " + vram);
        if (raw.gpuModel() != null && raw.gpuModel().length() > 128) problems.add("gpu_model is longer than 128 characters");
        Map<String, String> labels = labels(raw.labels(), problems);
        if (!problems.isEmpty()) throw new Invalid(problems);
        return new AgentRegistration(raw.address(), apiPort, (int) cpu, mem, raw.wgPublicKey(), wgPort, role, raw.region(),
                (int) gpus, vram, raw.gpuModel(), labels);
    }

    /** {@code k=v,k2=v2} (spec: the agents table keeps labels as that CSV); an empty string is no labels. */
    public static Map<String, String> labels(String csv, List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (csv == null || csv.isBlank()) return out;
        String[] pairs = csv.split(",", -1);
        if (pairs.length > 64) {
            problems.add("at most 64 labels, got " + pairs.length);
            return out;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? null : pair.substring(eq + 1);
            if (value == null || !LABEL_KEY.matcher(key).matches() || !LABEL_VALUE.matcher(value).matches()) {
                problems.add("label must be key=value (letters, digits, '.', '_', '-'), got '" + pair + "'");
            } else if (out.put(key, value) != null) {
                problems.add("label " + key + " given twice");
            }
        }
        return out;
    }

    /** Labels back as the CSV the agents table keeps ({@code k=v,k2=v2}, in the order given). */
    public static String labelsCsv(Map<String, String> labels) {
        return String.join(",", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private static int port(Long value, int fallback, String field, List<String> problems) {
        if (value == null) return fallback;
        if (value < 1 || value > 65535) {
            problems.add(field + " must be 1-65535, got " + value);
            return fallback;
        }
        return value.intValue();
    }

    /** The one spelling wg(8) takes: a key it would refuse would stall every hub's peer list. */
    static boolean isWireguardKey(String s) {
        return dev.yoq.node.protocol.OverlaySpec.isKey(s);
    }
}
