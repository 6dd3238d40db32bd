package dev.yoq.node.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The node's admin API token: 32 random bytes as 64 lowercase hex characters in {@code <data>/api_token}, mode
 * 0600. The server creates it once and reuses it; the CLI reads it. A file that group or others can read, or
 * that holds anything but 64 lowercase hex characters, is refused rather than trusted.
 */
public final class ApiTokenFile {

    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{64}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private ApiTokenFile() {
    }

    /** Returns the token in {@code file}, creating it (atomically, mode 0600) if it does not exist yet. */
    public static String loadOrCreate(Path file, SecureRandom random) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String token = HexFormat.of().formatHex(bytes);
            try {
                // CREATE_NEW + permissions at creation: the token is never readable by others, not even briefly,
                // and two servers starting at once cannot both write a different token.
                Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY)),
                        (token + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
                return token;
            } catch (FileAlreadyExistsException raced) {
                // another process created it between our check and our create: use theirs
            }
        }
        return read(file);
    }

    /** Reads and checks an existing token file; the message of the exception says what to fix. */
    public static String read(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new InvalidTokenFileException(file + ": must be a regular file, not a symbolic link");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        for (PosixFilePermission p : perms) {
            if (!p.name().startsWith("OWNER_")) {
                throw new InvalidTokenFileException(file + ": mode " + PosixFilePermissions.toString(perms)
                        + " lets others read the token; run: chmod 600 " + file);
            }
        }
        String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!TOKEN.matcher(token).matches()) {
            throw new InvalidTokenFileException(file + ": must hold 64 lowercase hex characters");
        }
        return token;
    }

    /** A token file that exists but must not be used. */
    public static final class InvalidTokenFileException extends IOException {
        public InvalidTokenFileException(String message) {
            super(message);
        }
    }
}
