package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
    @TempDir Path dir;

    @Test
    void a_verified_blob_is_stored_once_under_its_digest() throws Exception {
        BlobStore store = new BlobStore(dir.resolve("blobs/sha256"));
        byte[] content = "layer bytes".getBytes(StandardCharsets.UTF_8);
        String digest = BlobStore.digestOf(content);
        assertThat(store.put(new ByteArrayInputStream(content), digest, 1024)).isEqualTo(content.length);
        assertThat(store.put(new ByteArrayInputStream(content), digest, 1024)).isEqualTo(content.length);
        assertThat(store.has(digest)).isTrue();
        assertThat(store.list()).containsExactly(digest);
        try (InputStream in = store.open(digest)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        try (var files = Files.list(dir.resolve("blobs/sha256"))) {
            assertThat(files.count()).as("no temporary files left").isEqualTo(1);
        }
    }

    @Test
    void a_wrong_digest_names_both_and_leaves_nothing() throws Exception {
        BlobStore store = new BlobStore(dir);
        String claimed = "sha256:" + "0".repeat(64);
        assertThatThrownBy(() -> store.put(new ByteArrayInputStream("x".getBytes()), claimed, 10))
                .hasMessageContaining("digest mismatch for " + claimed).hasMessageContaining(BlobStore.digestOf("x".getBytes()));
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void reading_stops_at_the_cap_and_leaves_nothing() throws Exception {
        BlobStore store = new BlobStore(dir);
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override public int read() { served[0]++; return 'a'; }
            @Override public int read(byte[] b, int off, int len) { java.util.Arrays.fill(b, off, off + len, (byte) 'a'); served[0] += len; return len; }
        };
        assertThatThrownBy(() -> store.put(endless, "sha256:" + "1".repeat(64), 1 << 20)).hasMessageContaining("larger than the limit of 1 MiB");
        assertThat(served[0]).as("not read far past the cap").isLessThanOrEqualTo((1 << 20) + 1);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void digests_are_checked_before_they_become_paths() {
        BlobStore store = new BlobStore(dir);
        assertThatThrownBy(() -> store.path("sha256:../../etc/passwd")).hasMessageContaining("not a sha256 digest");
        assertThatThrownBy(() -> store.path("md5:abc")).isInstanceOf(IllegalArgumentException.class);
    }
}
