package dev.yoq.node.daemon.image;

import com.github.luben.zstd.ZstdInputStream;
import dev.yoq.node.daemon.sys.LibC;
import dev.yoq.node.daemon.sys.Trees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks one image layer (a tar, plain or gzip/zstd/xz/bzip2, detected by its magic bytes) into a new directory
 * that overlayfs can use as a lowerdir. Whiteouts become overlay's form (a 0/0 character device for
 * {@code .wh.NAME}, {@code trusted.overlay.opaque=y} for {@code .wh..wh..opq}). Refused, with nothing left behind:
 * absolute paths, {@code ..}, paths through a symlink, hard links to outside or through a symlink, device nodes,
 * files over 10 GiB (spec §6.3). Modes (with setuid/setgid/sticky), ownership (when root), xattrs and mtimes are
 * kept. Runs in the helper: only root can give files their owners.
 */
public final class LayerUnpacker {
    public static final long MAX_FILE = 10L << 30;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    public record Result(long entries, long bytes) {}

    private final Path root;
    private final boolean chown;
    private final List<Map.Entry<Path, FileTime>> dirTimes = new ArrayList<>();
    private long entries, bytes;

    private LayerUnpacker(Path root, boolean chown) {
        this.root = root;
        this.chown = chown;
    }

    /** Unpacks into {@code target} (which must not exist) through a temporary sibling renamed at the end. */
    public static Result unpack(InputStream layer, Path target, boolean preserveOwnership) throws IOException {
        Path tmp = target.resolveSibling(".unpack-" + target.getFileName() + "-" + System.nanoTime());
        Files.createDirectories(tmp);
        try {
            LayerUnpacker u = new LayerUnpacker(tmp, preserveOwnership);
            try (TarArchiveInputStream tar = new TarArchiveInputStream(decompressed(layer))) {
                for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) u.extract(e, tar);
            }
            u.applyDirectoryTimes();
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new Result(u.entries, u.bytes);
        } finally {
            if (Files.exists(tmp)) Trees.delete(tmp);
        }
    }

    static InputStream decompressed(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 65536);
        in.mark(6);
        byte[] magic = in.readNBytes(6);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) return new GzipCompressorInputStream(in, true);
        if (magic.length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) return new ZstdInputStream(in);
        if (magic.length >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X'
                && magic[4] == 'Z' && magic[5] == 0) return new XZCompressorInputStream(in);
        if (magic.length >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') return new BZip2CompressorInputStream(in);
        return in;
    }

    private void extract(TarArchiveEntry e, InputStream data) throws IOException {
        entries++;
        String name = clean(e.getName());
        if (name.isEmpty()) {   // "./": the layer's root itself
            applyAttributes(root, e, true);
            return;
        }
        Path path = root.resolve(name);
        Path parent = ensureParents(path, name);
        String base = path.getFileName().toString();
        if (base.equals(OPAQUE)) {
            LibC.INSTANCE.lsetxattr(parent.toString(), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII), 1, 0);
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            Path hidden = parent.resolve(base.substring(WHITEOUT.length()));
            removeExisting(hidden);
            LibC.INSTANCE.mknod(hidden.toString(), LibC.S_IFCHR, 0);
            return;
        }
        if (!(e.isDirectory() && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))) removeExisting(path);
        if (e.isDirectory()) {
            if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(path);
        } else if (e.isSymbolicLink()) {
            Files.createSymbolicLink(path, Path.of(e.getLinkName()));
        } else if (e.isLink()) {
            String linked = clean(e.getLinkName());
            Path existing = root.resolve(linked);
            if (linked.isEmpty() || throughSymlink(linked) || !Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("layer entry " + e.getName() + ": hard link to " + e.getLinkName() + " does not name a file inside the layer");
            }
            Files.createLink(path, existing);
            return;   // a hard link shares its target's attributes
        } else if (e.isFIFO()) {
            LibC.INSTANCE.mknod(path.toString(), LibC.S_IFIFO | 0600, 0);
        } else if (e.isCharacterDevice() || e.isBlockDevice()) {
            throw new IOException("layer entry " + e.getName() + ": device nodes are not allowed in images");
        } else if (e.isFile()) {
            if (e.getSize() > MAX_FILE) throw new IOException("layer entry " + e.getName() + " is larger than 10 GiB");
            bytes += Files.copy(data, path);
        } else {
            throw new IOException("layer entry " + e.getName() + ": unsupported type " + (char) e.getLinkFlag());
        }
        applyAttributes(path, e, e.isDirectory());
    }

    /** Strips "./" and trailing "/"; refuses absolute names and "..". */
    private static String clean(String name) throws IOException {
        if (name.startsWith("/")) throw new IOException("layer entry " + name + ": absolute path");
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) throw new IOException("layer entry " + name + ": '..' escapes the layer");
            if (out.length() > 0) out.append('/');
            out.append(part);
        }
        return out.toString();
    }

    /** Creates missing parents; a parent that is a symlink (made by an earlier entry) is an escape. */
    private Path ensureParents(Path path, String name) throws IOException {
        Path dir = root;
        Path rel = root.relativize(path.getParent() == null ? root : path.getParent());
        for (Path part : rel) {
            if (part.toString().isEmpty()) continue;
            dir = dir.resolve(part);
            if (Files.isSymbolicLink(dir)) throw new IOException("layer entry " + name + ": path goes through the symlink " + root.relativize(dir));
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(dir);
            else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw new IOException("layer entry " + name + ": " + root.relativize(dir) + " is not a directory");
        }
        return dir;
    }

    private boolean throughSymlink(String rel) {
        Path dir = root;
        for (Path part : Path.of(rel)) {
            dir = dir.resolve(part);
            if (Files.isSymbolicLink(dir)) return true;
        }
        return false;
    }

    private void removeExisting(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) Trees.delete(path);
        else Files.delete(path);
    }

    private void applyAttributes(Path path, TarArchiveEntry e, boolean directory) throws IOException {
        String p = path.toString();
        if (chown) LibC.INSTANCE.lchown(p, (int) e.getLongUserId(), (int) e.getLongGroupId());
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            if (h.getKey().startsWith("SCHILY.xattr.")) {
                byte[] value = h.getValue().getBytes(StandardCharsets.ISO_8859_1);
                LibC.INSTANCE.lsetxattr(p, h.getKey().substring(13), value, value.length, 0);
            }
        }
        if (e.isSymbolicLink()) {
            Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.from(e.getLastModifiedTime().toInstant()), null, null);
            return;
        }
        LibC.INSTANCE.chmod(p, e.getMode() & 07777);   // after chown, which clears setuid bits
        FileTime mtime = FileTime.from(e.getLastModifiedTime().toInstant());
        if (directory) dirTimes.add(Map.entry(path, mtime));   // set last: adding files changes a directory's mtime
        else Files.setLastModifiedTime(path, mtime);
    }

    private void applyDirectoryTimes() throws IOException {
        for (int i = dirTimes.size() - 1; i >= 0; i--) Files.setLastModifiedTime(dirTimes.get(i).getKey(), dirTimes.get(i).getValue());
    }
}
