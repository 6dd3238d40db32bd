package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransfersTest {
    static Manifests.Descriptor blob(char c, long size) {
        return new Manifests.Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", "sha256:" + String.valueOf(c).repeat(64), size, null, null, null);
    }

    @Test
    void a_transfer_reports_bytes_per_blob_and_its_end() {
        TransferProgress p = Transfers.begin("pull-test-0001", "pull", "127.0.0.1:5000/a:1");
        p.blob(blob('a', 100));
        p.blob(blob('b', 50));
        p.bytes(blob('a', 100).digest(), 40);
        p.done(blob('b', 50), false);
        TransferProgress.View v = Transfers.view("pull-test-0001");
        assertThat(v.state()).isEqualTo("running");
        assertThat(v.totalBytes()).isEqualTo(150);
        assertThat(v.doneBytes()).as("a present blob counts as done").isEqualTo(90);
        assertThat(v.blobs()).extracting(TransferProgress.BlobView::state).containsExactly("moving", "present");
        assertThatThrownBy(() -> Transfers.begin("pull-test-0001", "pull", "x")).hasMessageContaining("in use by a running transfer");

        Transfers.end(p, "digest mismatch for sha256:aaaa");
        assertThat(Transfers.view("pull-test-0001").state()).isEqualTo("failed");
        assertThat(Transfers.view("pull-test-0001").error()).isEqualTo("digest mismatch for sha256:aaaa");
        assertThat(Transfers.begin("pull-test-0001", "pull", "again").running()).as("a finished id can be reused").isTrue();
    }

    @Test
    void ids_are_checked_and_unknown_ones_are_not_found() {
        assertThatThrownBy(() -> Transfers.begin("../x", "pull", "r")).hasMessageContaining("progress_id: must be 8-64 letters");
        assertThatThrownBy(() -> Transfers.view("nothing-here")).isInstanceOf(ImageException.class).hasMessage("no such transfer: nothing-here");
    }
}
