package dev.yoq.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Content-addressed blobs at {@code <data>/blobs/sha256/<hex>}. A blob is written to a temporary file in the same
 * directory while its SHA-256 is computed, checked against the digest it was asked under, fsynced and renamed
 * into place: a reader sees a whole, verified blob or none, and identical content is stored once. A wrong digest
 * or a blob past its size cap leaves nothing behind.
 */
public final class BlobStore {
    private static final Pattern DIGEST = Pattern.compile("sha256:([0-9a-f]{64})");
    private final Path dir;

    public BlobStore(Path dir) { this.dir = dir; }

    public static String hex(String digest) {
        var m = DIGEST.matcher(digest == null ? "" : digest);
        if (!m.matches()) throw new IllegalArgumentException("not a sha256 digest: " + digest);
        return m.group(1);
    }

    public Path path(String digest) { return dir.resolve(hex(digest)); }

    public boolean has(String digest) { return Files.isRegularFile(path(digest)); }

    public long size(String digest) throws IOException { return Files.size(path(digest)); }

    public InputStream open(String digest) throws IOException { return Files.newInputStream(path(digest)); }

    /**
     * Stores what {@code in} yields as the blob {@code expected}. Reads at most {@code maxBytes} (one more byte
     * means refusal, before anything past the cap is read). Returns the blob's size.
     */
    public long put(InputStream in, String expected, long maxBytes) throws IOException {
        Path target = path(expected);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".incoming-", ".tmp");
        try {
            MessageDigest sha = sha256();
            long total = 0;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf, 0, (int) Math.min(buf.length, maxBytes - total + 1))) > 0; ) {
                    total += n;
                    if (total > maxBytes) throw new IOException("blob " + expected + " is larger than the limit of " + human(maxBytes));
                    sha.update(buf, 0, n);
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) out.write(bb);
                }
                out.force(true);
            }
            String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(expected)) {
                throw new IOException("digest mismatch for " + expected + ": the content hashes to " + actual);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException alreadyStored) {
                // the same content arrived twice: keep the first
            }
            return total;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public boolean delete(String digest) throws IOException { return Files.deleteIfExists(path(digest)); }

    /** Every stored blob's digest; leftovers of interrupted writes are not blobs. */
    public Set<String> list() throws IOException {
        Set<String> all = new TreeSet<>();
        if (!Files.isDirectory(dir)) return all;
        try (var files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9a-f]{64}")).forEach(n -> all.add("sha256:" + n));
        }
        return all;
    }

    public static String digestOf(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String human(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
}
