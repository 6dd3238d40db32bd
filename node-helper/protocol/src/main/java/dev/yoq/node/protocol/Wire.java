package dev.yoq.node.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The helper protocol, version {@value #VERSION}: one JSON object per line over the Unix socket
 * ({@value #DEFAULT_SOCKET}, mode 0660). A client opens with {@code hello} (the helper refuses other versions),
 * then sends requests with ids of its choosing and gets exactly one reply per request, in order. After
 * {@code subscribe} the connection carries only {@link Event}s until it closes.
 */
public final class Wire {
    public static final int VERSION = 1;
    public static final String DEFAULT_SOCKET = "/run/yoq/node.sock";
    /** No message is larger: a request with more is refused before it is parsed. */
    public static final int MAX_MESSAGE_BYTES = 8 << 20;   // a container's secret files travel in one (≤ 4 MiB, base64)

    private Wire() {}

    /** Operations the helper answers; the body and result types are named beside each. */
    public enum Op {
        HELLO,      // {"version":1} -> {"version":1,"helper":"<version>","cgroups":"hybrid"}
        CREATE,     // ContainerSpec -> ContainerState
        START,      // {"id"} -> ContainerState (running), or start_failed with yoq-init's message
        RUN,        // ContainerSpec -> ContainerState: create + start in one round trip
        STOP,       // {"id","grace_ms"} -> ContainerState (exited)
        KILL,       // {"id","signal"} -> {}
        REMOVE,     // {"id"} -> {} ; refused while running
        GET,        // {"id"} -> ContainerState
        LIST,       // {} -> [ContainerState]
        WAIT,       // {"id","timeout_ms"} -> ContainerState (exited, or still running at the timeout)
        EXEC,       // ExecRequest -> ExecResult
        STATS,      // {"id"} -> {"memory_bytes","pids","cpu_pressure","memory_pressure","io_pressure"}
        UNPACK,     // {"digest"} -> {"path"}: the layer blob unpacked under <data>/layers/sha256/ (once per digest)
        PRUNE_LAYERS, // {"keep":[digests]} -> {"layers_removed","bytes"}: unpacked layers neither kept nor used
        POLICIES,   // {"policies":[NetworkPolicy]} -> {}: the node's whole rule set, replacing the last one
        DNS_STATS,  // {} -> {"running","names","queries","local","forwarded","cache_hits","malformed"}
        NAMES_HELD, // {"ids":[container ids]} -> {}: containers whose names the resolver must not answer (not healthy)
        MOUNT_NFS,  // {"app","volume","server","export","options"} -> {"path"}: an NFS volume mounted under <data>/mounts/nfs
        SERVICES,   // {"services":[ServiceVip],"dns_returns_vip"} -> Dataplane status: the node's whole VIP table, replacing the last
        DATAPLANE,  // {} -> {"mode":"bpf"|"nftables","reason","programs":[{name,id}],"maps":[{name,used,max}],"adopted"}
        COUNTERS,   // {} -> {"containers":[{ip,rx_packets,rx_bytes,tx_packets,tx_bytes,connections}],"pairs":[{source,target,packets,bytes}]}
        PROXY_CONFIG, // EdgeConfig JSON (yoq-proxy's whole configuration) -> the proxy's status; kept for its restarts
        PROXY_STATS,  // {} -> the proxy's counters and listeners, or {"running":false,"error"}
        OVERLAY,    // OverlaySpec -> {"interface","up","mode","public_key","listen_port","addresses","peers":[...]}: wg-yoq as asked
        OVERLAY_STATUS, // {} -> the same status, or {"interface","up":false,"public_key"?}
        SECRETS,    // {"id","files":{name: base64},"env":{VAR: base64}} -> {}: exactly these in the created container's secrets tmpfs
        SUBSCRIBE;  // {} -> {} then Events

        public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }

        /** The operation a request names, or null for one this version does not know. */
        public static Op parse(String wireName) {
            for (Op op : values()) if (op.wireName().equals(wireName)) return op;
            return null;
        }
    }

    public record Request(long id, String op, JsonNode body) {}

    public record Reply(long id, JsonNode result, HelperError error) {}

    /** Types: {@code started}, {@code exited}, {@code oom} (sent before the matching exited), {@code removed}. */
    public record Event(String event, ContainerState container) {}

    public record IdBody(String id) {}

    /** Values base64: {@code files} name → value, {@code env} variable → value. */
    public record SecretsBody(String id, java.util.Map<String, String> files, java.util.Map<String, String> env) {}

    public record DigestBody(String digest) {}

    public record PruneBody(java.util.List<String> keep) {}

    public record PoliciesBody(java.util.List<NetworkPolicy> policies) {}

    public record HeldBody(java.util.List<String> ids) {}

    public record ServicesBody(java.util.List<ServiceVip> services, boolean dnsReturnsVip) {}

    public record NfsBody(String app, String volume, String server, String export, String options) {}

    public record StopBody(String id, long graceMs) {}

    public record KillBody(String id, int signal) {}

    public record WaitBody(String id, long timeoutMs) {}
}
