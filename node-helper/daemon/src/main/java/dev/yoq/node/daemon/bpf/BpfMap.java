package dev.yoq.node.daemon.bpf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/** One pinned map, opened by fd: the raw element operations with libbpf's negative-errno results turned into IOExceptions. */
final class BpfMap {
    static final int ENOENT = 2;
    private final Libbpf lib;
    final String name;
    final int fd;
    final int id;
    final int keySize;
    final int valueSize;
    final int maxEntries;

    BpfMap(Libbpf lib, String name, int fd, int id, int keySize, int valueSize, int maxEntries) {
        this.lib = lib;
        this.name = name;
        this.fd = fd;
        this.id = id;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
    }

    /** The value, or null when the key is absent. */
    byte[] lookup(byte[] key) throws IOException {
        byte[] value = new byte[valueSize];
        int rc = lib.bpf_map_lookup_elem(fd, check(key), value);
        if (rc == -ENOENT) return null;
        if (rc < 0) throw fail("lookup", rc);
        return value;
    }

    void update(byte[] key, byte[] value) throws IOException {
        if (value.length != valueSize) throw new IllegalArgumentException(name + ": value of " + value.length + " bytes, map wants " + valueSize);
        int rc = lib.bpf_map_update_elem(fd, check(key), value, 0 /* BPF_ANY */);
        if (rc < 0) throw fail("update", rc);
    }

    /** Deletes the key; an absent key is fine (an LRU map may have evicted it already). Returns whether it was there. */
    boolean delete(byte[] key) throws IOException {
        int rc = lib.bpf_map_delete_elem(fd, check(key));
        if (rc < 0 && rc != -ENOENT) throw fail("delete", rc);
        return rc >= 0;
    }

    /**
     * Deletes every entry for which {@code match(key, value)} holds: collects the matching keys first (deleting while
     * walking get_next_key would restart the walk), then deletes them. Entries that vanished meanwhile are skipped.
     * Returns how many were deleted.
     */
    int deleteIf(BiPredicate<byte[], byte[]> match) throws IOException {
        List<byte[]> doomed = new ArrayList<>();
        for (byte[] k : keys()) {
            byte[] v = lookup(k);
            if (v != null && match.test(k, v)) doomed.add(k);
        }
        int deleted = 0;
        for (byte[] k : doomed) {
            if (delete(k)) deleted++;
        }
        return deleted;
    }

    /** Every key, by get_next_key; bounded by max_entries (plus slack) because entries may come and go meanwhile. */
    List<byte[]> keys() throws IOException {
        List<byte[]> out = new ArrayList<>();
        byte[] key = null;
        for (long i = 0; i <= (long) maxEntries + 1024; i++) {
            byte[] next = new byte[keySize];
            int rc = lib.bpf_map_get_next_key(fd, key, next);
            if (rc == -ENOENT) break;
            if (rc < 0) throw fail("get_next_key", rc);
            out.add(next);
            key = next;
        }
        return out;
    }

    /** Every entry; keys that vanish between get_next_key and lookup (LRU eviction, the datapath) are skipped. */
    Map<Key, byte[]> entries() throws IOException {
        Map<Key, byte[]> out = new LinkedHashMap<>();
        for (byte[] k : keys()) {
            byte[] v = lookup(k);
            if (v != null) out.put(new Key(k), v);
        }
        return out;
    }

    /**
     * Makes the map hold exactly {@code desired}: writes only keys whose value differs and deletes the rest.
     * Returns how many elements were written or deleted.
     */
    int sync(Map<Key, byte[]> desired) throws IOException {
        Map<Key, byte[]> current = entries();
        int changes = 0;
        for (Map.Entry<Key, byte[]> e : desired.entrySet()) {
            byte[] now = current.get(e.getKey());
            if (now == null || !Arrays.equals(now, e.getValue())) {
                update(e.getKey().bytes(), e.getValue());
                changes++;
            }
        }
        for (Key k : current.keySet()) {
            if (!desired.containsKey(k)) {
                delete(k.bytes());
                changes++;
            }
        }
        return changes;
    }

    private byte[] check(byte[] key) {
        if (key.length != keySize) throw new IllegalArgumentException(name + ": key of " + key.length + " bytes, map wants " + keySize);
        return key;
    }

    private IOException fail(String op, int rc) {
        return new IOException("bpf map " + name + ": " + op + " failed: errno " + (-rc));
    }

    /** A map key with value equality, for diffs. */
    record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return Arrays.toString(bytes);
        }
    }
}
