package dev.yoq.security;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.subtle.XChaCha20Poly1305;
import dev.yoq.state.Command;
import dev.yoq.state.CommandRejectedException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A cluster's secrets keyset: one Tink keyset every server uses, so a value sealed on one server opens on all. It is
 * replicated (table {@code secret_keysets}, command {@link Command.PutSecretKeyset}) encrypted under a key each server
 * derives from the join token and the servers' API token ({@code ClusterInfo#secretsKeysetKey}); agents hold the
 * join token only, so no agent can open it. The first server that needs it makes it; a rotation replaces it only if
 * nobody replaced it meanwhile. Plain Java: the row is read and the command proposed through the functions given.
 */
public final class ClusterKeysets implements SecretCipher.KeysetStore {
    private static final byte[] AD = "yoq-secrets-keyset".getBytes(StandardCharsets.US_ASCII);
    /** How often, 100 ms apart, a server that lost the race to make the first keyset looks for the winner's. */
    static final int TRIES = 50;

    /** The replicated row: the encrypted keyset and its primary key's id. */
    public record Stored(byte[] encrypted, int primaryKeyId) {}

    private final Supplier<Stored> read;
    private final Consumer<Command.PutSecretKeyset> propose;
    private final Aead wrap;
    private final LongSupplier clock;

    /** {@code read}: the row, null when there is none; {@code propose}: through the cluster's log, refusal thrown. */
    public ClusterKeysets(byte[] wrapKey, Supplier<Stored> read, Consumer<Command.PutSecretKeyset> propose, LongSupplier clock) {
        try {
            this.wrap = new XChaCha20Poly1305(wrapKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the keyset key must be 32 bytes", e);
        }
        this.read = read;
        this.propose = propose;
        this.clock = clock;
    }

    @Override
    public String describe() {
        return "the cluster's secrets keyset";
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public boolean replacedSince(KeysetHandle cached) {
        Stored stored = read.get();
        return stored != null && stored.primaryKeyId() != cached.getPrimary().getId();
    }

    @Override
    public KeysetHandle load() throws GeneralSecurityException {
        for (int i = 0; i < TRIES; i++) {
            Stored stored = read.get();
            if (stored != null) return open(stored);
            KeysetHandle fresh = SecretCipher.newKeyset();
            try {
                propose.accept(put(fresh, 0, "server"));
                return fresh;
            } catch (CommandRejectedException raced) {   // another server made it first: use theirs once it is applied here
                sleep();
            }
        }
        throw new IllegalStateException("another server is making the cluster's secrets keyset and it has not reached this "
                + "server yet; try again");
    }

    @Override
    public void replace(KeysetHandle current, KeysetHandle rotated) throws GeneralSecurityException {
        try {
            propose.accept(put(rotated, current.getPrimary().getId(), "server"));
        } catch (CommandRejectedException e) {
            throw new IllegalStateException(e.getMessage() + ": another rotation ran at the same time; run it again", e);
        }
    }

    private KeysetHandle open(Stored stored) {
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(stored.encrypted(), wrap, AD);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the cluster's secrets keyset does not open with this server's key: its join token "
                    + "or API token differs from those of the server that made it");
        }
    }

    private Command.PutSecretKeyset put(KeysetHandle k, int expected, String actor) throws GeneralSecurityException {
        byte[] encrypted = TinkProtoKeysetFormat.serializeEncryptedKeyset(k, wrap, AD);
        return new Command.PutSecretKeyset(Base64.getEncoder().encodeToString(encrypted), k.getPrimary().getId(), expected, actor,
                clock.getAsLong());
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster's secrets keyset");
        }
    }
}
