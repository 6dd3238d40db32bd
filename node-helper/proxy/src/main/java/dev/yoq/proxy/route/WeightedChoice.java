package dev.yoq.proxy.route;

import dev.yoq.proxy.config.EdgeConfig.Backend;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The weighted backend of a request (§3.9): {@code bucket = (hash(method‖host‖path) + attempt×7919) mod total}
 * (the path with its query string),
 * then the backends are walked in order until the bucket falls in one's share. The same request goes to the same
 * backend service; a retry moves on. The hash is FNV-1a 64 with a murmur finalizer (upstream uses wyhash: the
 * distribution is what matters, the exact bucket of one path is not part of the contract). Pure.
 */
public final class WeightedChoice {
    private WeightedChoice() {}

    public static Backend choose(List<Backend> backends, String method, String host, String path, int attempt) {
        int total = 0;
        for (Backend b : backends) total += b.weight();
        if (total <= 0) return backends.get(0);
        long h = hash(method, host, path) + attempt * 7919L;
        long bucket = Long.remainderUnsigned(h, total);
        for (Backend b : backends) {
            if (bucket < b.weight()) return b;
            bucket -= b.weight();
        }
        return backends.get(backends.size() - 1);
    }

    static long hash(String method, String host, String path) {
        long h = 0xcbf29ce484222325L;
        for (String part : new String[] {method, host, path}) {
            for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
                h ^= b & 0xff;
                h *= 0x100000001b3L;
            }
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
