package dev.yoq.node.daemon.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers built here with commons-compress, unpacked for real (root: ownership and device nodes need it). */
class LayerUnpackerTest {
    @TempDir Path dir;
    static final Instant T = Instant.parse("2024-01-02T03:04:05Z");

    @BeforeEach
    void needsRoot() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) System.err.println("*** SKIPPED LayerUnpackerTest: unpacking with owners and whiteouts needs root ***");
        assumeTrue(root);
    }

    interface Tar { void write(TarArchiveOutputStream t) throws Exception; }

    static byte[] tar(Tar body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            body.write(t);
        }
        return out.toByteArray();
    }

    static void file(TarArchiveOutputStream t, String name, String content, int mode, Consumer<TarArchiveEntry> tweak) throws Exception {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, true);   // true: keep "/..." as written, as a hostile layer would
        e.setSize(b.length);
        e.setMode(mode);
        e.setModTime(java.util.Date.from(T));
        if (tweak != null) tweak.accept(e);
        t.putArchiveEntry(e);
        t.write(b);
        t.closeArchiveEntry();
    }

    static void entry(TarArchiveOutputStream t, String name, byte type, String link) throws Exception {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        if (link != null) e.setLinkName(link);
        e.setModTime(java.util.Date.from(T));
        t.putArchiveEntry(e);
        t.closeArchiveEntry();
    }

    Path unpack(byte[] layer) throws Exception {
        Path target = dir.resolve("layers/sha256/abc");
        Files.createDirectories(target.getParent());
        LayerUnpacker.unpack(new ByteArrayInputStream(layer), target, true);
        return target;
    }

    @Test
    void files_dirs_links_modes_owners_xattrs_and_times_are_kept() throws Exception {
        byte[] layer = tar(t -> {
            entry(t, "./", TarArchiveEntry.LF_DIR, null);
            entry(t, "bin/", TarArchiveEntry.LF_DIR, null);
            file(t, "bin/tool", "#!/bin/sh\n", 04755, e -> { e.setUserId(1000); e.setGroupId(1001); });
            file(t, "etc/conf", "a=1\n", 0640, e -> e.addPaxHeader("SCHILY.xattr.user.origin", "layer"));
            entry(t, "bin/sh", TarArchiveEntry.LF_SYMLINK, "/bin/busybox");
            entry(t, "bin/hard", TarArchiveEntry.LF_LINK, "bin/tool");
        });
        Path root = unpack(layer);
        Path tool = root.resolve("bin/tool");
        assertThat(Files.readString(tool)).isEqualTo("#!/bin/sh\n");
        assertThat(((Integer) Files.getAttribute(tool, "unix:mode")) & 07777).isEqualTo(04755);
        assertThat(Files.getAttribute(tool, "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(tool, "unix:gid")).isEqualTo(1001);
        assertThat(Files.getLastModifiedTime(tool).toInstant()).isEqualTo(T);
        assertThat(Files.readSymbolicLink(root.resolve("bin/sh"))).isEqualTo(Path.of("/bin/busybox"));
        assertThat(Files.isSameFile(root.resolve("bin/hard"), tool)).isTrue();
        var xattrs = Files.getFileAttributeView(root.resolve("etc/conf"), java.nio.file.attribute.UserDefinedFileAttributeView.class);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(16);
        xattrs.read("origin", buf);
        assertThat(new String(buf.array(), 0, buf.position())).isEqualTo("layer");
        assertThat(Files.getLastModifiedTime(root.resolve("bin")).toInstant()).as("directory times set last").isEqualTo(T);
    }

    @Test
    void whiteouts_become_overlay_whiteouts_and_opaque_dirs() throws Exception {
        Path root = unpack(tar(t -> {
            entry(t, "etc/", TarArchiveEntry.LF_DIR, null);
            file(t, "etc/.wh.old.conf", "", 0644, null);
            entry(t, "var/", TarArchiveEntry.LF_DIR, null);
            file(t, "var/.wh..wh..opq", "", 0644, null);
        }));
        Path whiteout = root.resolve("etc/old.conf");
        assertThat(Files.exists(whiteout, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(((Integer) Files.getAttribute(whiteout, "unix:mode")) & 0170000).as("a character device").isEqualTo(0020000);
        assertThat(Files.getAttribute(whiteout, "unix:rdev")).isEqualTo(0L);
        assertThat(root.resolve("etc/.wh.old.conf")).doesNotExist();
        byte[] value = new byte[8];
        long n = dev.yoq.node.daemon.sys.LibC.INSTANCE.lgetxattr(root.resolve("var").toString(), "trusted.overlay.opaque", value, value.length);
        assertThat(new String(value, 0, (int) n)).isEqualTo("y");
    }

    @Test
    void escapes_are_refused_and_leave_nothing_behind() throws Exception {
        assertRefused(tar(t -> file(t, "../../etc/passwd", "root::0:0::/:/bin/sh\n", 0644, null)), "escapes the layer");
        assertRefused(tar(t -> file(t, "/etc/passwd", "x", 0644, null)), "absolute path");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        assertRefused(tar(t -> {
            entry(t, "evil", TarArchiveEntry.LF_SYMLINK, outside.toString());
            file(t, "evil/planted", "gotcha", 0644, null);
        }), "path goes through the symlink evil");
        assertThat(outside.resolve("planted")).doesNotExist();
        assertRefused(tar(t -> entry(t, "hl", TarArchiveEntry.LF_LINK, "../../etc/passwd")), "escapes the layer");
        assertRefused(tar(t -> {
            entry(t, "l", TarArchiveEntry.LF_SYMLINK, "/etc");
            entry(t, "hl", TarArchiveEntry.LF_LINK, "l/passwd");
        }), "does not name a file inside the layer");
        assertRefused(tar(t -> entry(t, "dev/sda", TarArchiveEntry.LF_BLK, null)), "device nodes are not allowed");
    }

    void assertRefused(byte[] layer, String message) throws Exception {
        Path target = dir.resolve("layers/sha256/bad");
        Files.createDirectories(target.getParent());
        assertThatThrownBy(() -> LayerUnpacker.unpack(new ByteArrayInputStream(layer), target, true)).hasMessageContaining(message);
        try (var left = Files.list(target.getParent())) {
            assertThat(left.toList()).as("nothing left in the layer store").isEmpty();
        }
    }

    @Test
    void gzip_zstd_xz_and_bzip2_layers_unpack_like_plain_ones() throws Exception {
        byte[] plain = tar(t -> file(t, "hello.txt", "hi\n", 0644, null));
        for (String kind : new String[] {"gzip", "zstd", "xz", "bzip2"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream c = switch (kind) {
                case "gzip" -> new GzipCompressorOutputStream(out);
                case "zstd" -> new ZstdOutputStream(out);
                case "xz" -> new org.apache.commons.compress.compressors.xz.XZCompressorOutputStream(out);
                default -> new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(out);
            }) {
                c.write(plain);
            }
            Path target = dir.resolve("layers/sha256/" + kind);
            Files.createDirectories(target.getParent());
            LayerUnpacker.Result r = LayerUnpacker.unpack(new ByteArrayInputStream(out.toByteArray()), target, true);
            assertThat(Files.readString(target.resolve("hello.txt"))).isEqualTo("hi\n");
            assertThat(r.bytes()).isEqualTo(3);
        }
    }
}
