package dev.yoq.security;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.XChaCha20Poly1305Parameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Set;

/**
 * Seals and opens secret values with XChaCha20-Poly1305 (Google Tink, no output prefix: 24-byte nonce, ciphertext,
 * 16-byte tag, as spec §5.6 lays them out) under a keyset from its {@link KeysetStore}: a single node's keyset file
 * {@code secrets.key} (Tink's JSON keyset, created on first use, mode 0600; a file that group or others can read is
 * refused), or the keyset a cluster's servers share ({@link ClusterKeysets}). The secret's name is the
 * associated data, so a sealed value copied onto another secret's row does not open. A key rotation adds a new
 * primary key and keeps the old ones, so values sealed before it still open until they are sealed again.
 * Thread-safe; plain Java, no container types.
 */
public final class SecretCipher {
    public static final int NONCE_BYTES = 24;
    public static final int TAG_BYTES = 16;
    private static final XChaCha20Poly1305Parameters PARAMETERS =
            XChaCha20Poly1305Parameters.create(XChaCha20Poly1305Parameters.Variant.NO_PREFIX);

    /** A sealed value, split as the {@code secrets} table keeps it; {@code keyId}: the keyset key that sealed it. */
    public record Sealed(byte[] nonce, byte[] ciphertext, byte[] tag, int keyId) {
        /** Its parts as base64, the form commands carry them in. */
        public String nonceBase64() { return java.util.Base64.getEncoder().encodeToString(nonce); }
        public String ciphertextBase64() { return java.util.Base64.getEncoder().encodeToString(ciphertext); }
        public String tagBase64() { return java.util.Base64.getEncoder().encodeToString(tag); }
    }

    /**
     * Where the keyset lives: a node's {@code secrets.key} file, or a cluster's replicated row ({@link ClusterKeysets}).
     * {@code load} makes the first keyset when there is none; {@code replace} refuses (IllegalStateException) when the
     * stored keyset is no longer {@code current}, so a rotation never overwrites another's.
     */
    public interface KeysetStore {
        KeysetHandle load() throws GeneralSecurityException, IOException;

        void replace(KeysetHandle current, KeysetHandle rotated) throws GeneralSecurityException, IOException;

        /** What holds the keyset, for error messages: "this node's secrets.key". */
        String describe();

        /** Whether others may replace the keyset (a cluster's other servers): then a value that does not open reads it again. */
        default boolean shared() {
            return false;
        }

        /** Whether another process replaced the keyset since {@code cached} was read. */
        default boolean replacedSince(KeysetHandle cached) {
            return false;
        }
    }

    private final KeysetStore store;
    private volatile KeysetHandle keyset;

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public SecretCipher(Path keyFile) {
        this(new FileStore(keyFile));
    }

    public SecretCipher(KeysetStore store) {
        this.store = store;
    }

    public Sealed seal(String name, byte[] value) {
        KeysetHandle k = keyset();
        if (store.replacedSince(k)) k = reload();   // seal under the newest primary key, as a rotation promised
        try {
            byte[] all = k.getPrimitive(RegistryConfiguration.get(), Aead.class).encrypt(value, ad(name));
            int n = all.length;
            return new Sealed(Arrays.copyOfRange(all, 0, NONCE_BYTES), Arrays.copyOfRange(all, NONCE_BYTES, n - TAG_BYTES),
                    Arrays.copyOfRange(all, n - TAG_BYTES, n), k.getPrimary().getId());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal secret " + name + ": " + e.getMessage(), e);
        }
    }

    /** The value; a value that does not open (another key, tampered, moved to another name) is an error naming the secret. */
    public byte[] open(String name, byte[] nonce, byte[] ciphertext, byte[] tag) {
        byte[] all = new byte[nonce.length + ciphertext.length + tag.length];
        System.arraycopy(nonce, 0, all, 0, nonce.length);
        System.arraycopy(ciphertext, 0, all, nonce.length, ciphertext.length);
        System.arraycopy(tag, 0, all, nonce.length + ciphertext.length, tag.length);
        KeysetHandle k = keyset();
        try {
            return k.getPrimitive(RegistryConfiguration.get(), Aead.class).decrypt(all, ad(name));
        } catch (GeneralSecurityException e) {
            byte[] value = store.shared() ? openReloaded(name, all) : null;
            if (value != null) return value;
            throw new IllegalStateException("secret " + name + " does not decrypt with " + store.describe()
                    + " (another node's key, or the row was altered)");
        }
    }

    /** Another server may have rotated a shared keyset since this one read it: read it again, once; null if it still fails. */
    private byte[] openReloaded(String name, byte[] all) {
        try {
            return reload().getPrimitive(RegistryConfiguration.get(), Aead.class).decrypt(all, ad(name));
        } catch (GeneralSecurityException | IllegalStateException e) {
            return null;
        }
    }

    public int primaryKeyId() {
        return keyset().getPrimary().getId();
    }

    /** Adds a fresh primary key (the old ones stay, to open what they sealed) and saves the keyset; returns its id. */
    public synchronized int rotateKey() {
        try {
            KeysetHandle current = store.shared() ? reload() : keyset();
            KeysetHandle rotated = KeysetHandle.newBuilder(current)
                    .addEntry(KeysetHandle.generateEntryFromParameters(PARAMETERS).withRandomId().makePrimary()).build();
            store.replace(current, rotated);
            keyset = rotated;
            return rotated.getPrimary().getId();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot rotate " + store.describe() + ": " + e.getMessage(), e);
        }
    }

    /** A fresh keyset of one primary key, for a store making its first. */
    static KeysetHandle newKeyset() throws GeneralSecurityException {
        return KeysetHandle.generateNew(PARAMETERS);
    }

    private static byte[] ad(String name) {
        return ("yoq-secret:" + name).getBytes(StandardCharsets.UTF_8);
    }

    private KeysetHandle keyset() {
        KeysetHandle k = keyset;
        if (k != null) return k;
        synchronized (this) {
            if (keyset == null) keyset = load();
            return keyset;
        }
    }

    private synchronized KeysetHandle reload() {
        keyset = load();
        return keyset;
    }

    private KeysetHandle load() {
        try {
            return store.load();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot read " + store.describe() + ": " + e.getMessage(), e);
        }
    }

    /** {@code secrets.key}: Tink's JSON keyset in a file only root reads. */
    private record FileStore(Path keyFile) implements KeysetStore {
        @Override
        public String describe() {
            return "this node's " + keyFile.getFileName();
        }

        @Override
        public void replace(KeysetHandle current, KeysetHandle rotated) throws GeneralSecurityException, IOException {
            write(rotated, true);
        }

        @Override
        public KeysetHandle load() throws GeneralSecurityException, IOException {
            if (!Files.exists(keyFile)) {
                try {
                    write(KeysetHandle.generateNew(PARAMETERS), false);
                } catch (FileAlreadyExistsException raced) {
                    // another server process made it first: use theirs
                }
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new IllegalStateException(keyFile + " is readable by others (" + PosixFilePermissions.toString(perms)
                        + "): chmod 600 it; secrets stay sealed until then");
            }
            return TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(keyFile), InsecureSecretKeyAccess.get());
        }

        /** Written to a 0600 temporary file first, then moved into place, so a crash never leaves half a keyset. */
        private void write(KeysetHandle k, boolean replace) throws IOException, GeneralSecurityException {
            Files.createDirectories(keyFile.getParent());
            Path tmp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, TinkJsonProtoKeysetFormat.serializeKeyset(k, InsecureSecretKeyAccess.get()), StandardOpenOption.TRUNCATE_EXISTING);
            try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            if (replace) {
                Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                try {
                    Files.createLink(keyFile, tmp);   // fails if another process created the key meanwhile
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }
}
