package dev.yoq.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import dev.yoq.node.protocol.ApiTokenFile;
import dev.yoq.node.protocol.DataLayout;

/**
 * Creates the data directory on first start and keeps it owner-only on every start (it may have been made by an
 * earlier step with the umask's mode, e.g. its logs/ by {@code yoq server start}): it holds the token and the
 * database, whose files SQLite creates with the umask's mode and which holds TLS private keys. Returns the node's
 * admin API token.
 */
public final class DataDirectory {

    private DataDirectory() {
    }

    public static String prepare(DataLayout layout, SecureRandom random) throws IOException {
        Path root = layout.root();
        if (!Files.isDirectory(root)) Files.createDirectories(root);
        // the directory holds the token and the database: nobody else may list or open it
        if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(root)).equals("rwx------")) {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        }
        for (Path dir : new Path[] {layout.blobs(), layout.s3(), layout.containers(), layout.volumes()}) {
            Files.createDirectories(dir);
        }
        return ApiTokenFile.loadOrCreate(layout.apiToken(), random);
    }
}
