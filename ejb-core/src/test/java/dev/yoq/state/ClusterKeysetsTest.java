package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.security.ClusterKeysets;
import dev.yoq.security.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cluster's shared secrets keyset through the real state machine on SQLite: what one server seals another opens, a
 * rotation on one reaches the other, the first keyset is made once, and the row never holds the key in the clear.
 */
class ClusterKeysetsTest extends BusTestBase {
    static final byte[] WRAP = new byte[32], OTHER_WRAP = new byte[32];
    static final byte[] VALUE = "db-password-1234".getBytes(StandardCharsets.UTF_8);

    static {
        Arrays.fill(WRAP, (byte) 7);
        Arrays.fill(OTHER_WRAP, (byte) 9);
    }

    ClusterKeysets.Stored stored() {
        return db.inNewTransaction(em -> {
            List<?> rows = em.createNativeQuery("SELECT keyset, primary_key_id FROM secret_keysets WHERE id = 1").getResultList();
            if (rows.isEmpty()) return null;
            Object[] r = (Object[]) rows.get(0);
            return new ClusterKeysets.Stored((byte[]) r[0], ((Number) r[1]).intValue());
        });
    }

    SecretCipher server(byte[] wrap) {
        return new SecretCipher(new ClusterKeysets(wrap, this::stored, bus::submit, () -> 1_000L));
    }

    @Test
    void what_one_server_seals_another_opens_and_the_keyset_is_made_once() throws Exception {
        SecretCipher a = server(WRAP), b = server(WRAP);
        SecretCipher.Sealed s = a.seal("db", VALUE);
        assertThat(b.open("db", s.nonce(), s.ciphertext(), s.tag())).isEqualTo(VALUE);
        assertThat(b.primaryKeyId()).isEqualTo(a.primaryKeyId());
        assertThat(db.count("SELECT COUNT(*) FROM secret_keysets")).isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'secret_keyset_create'")).isEqualTo(1);
    }

    @Test
    void a_rotation_on_one_server_reaches_another_that_read_the_keyset_before_it() throws Exception {
        SecretCipher a = server(WRAP), b = server(WRAP);
        int before = b.primaryKeyId();   // b has read (and cached) the first keyset
        int rotated = a.rotateKey();
        assertThat(rotated).isNotEqualTo(before);
        SecretCipher.Sealed s = a.seal("db", VALUE);
        assertThat(b.open("db", s.nonce(), s.ciphertext(), s.tag())).as("b reads the keyset again").isEqualTo(VALUE);
        SecretCipher c = server(WRAP);
        int cached = c.primaryKeyId();
        a.rotateKey();
        assertThat(c.seal("db", VALUE).keyId()).as("a seal uses the newest primary key").isNotEqualTo(cached).isEqualTo(a.primaryKeyId());
        assertThat(db.count("SELECT primary_key_id FROM secret_keysets")).isEqualTo((long) a.primaryKeyId());
    }

    @Test
    void a_second_first_keyset_and_a_rotation_from_a_stale_keyset_are_refused() throws Exception {
        SecretCipher a = server(WRAP);
        a.seal("db", VALUE);
        int primary = a.primaryKeyId();
        assertThatThrownBy(() -> bus.submit(new Command.PutSecretKeyset("AA==", 5, 0, "server", 2_000)))
                .hasMessageContaining("keyset changed meanwhile");
        assertThatThrownBy(() -> bus.submit(new Command.PutSecretKeyset("AA==", 5, primary + 1, "server", 2_000)))
                .hasMessageContaining("keyset changed meanwhile");
        assertThat(a.primaryKeyId()).isEqualTo(primary);
    }

    @Test
    void a_server_with_another_key_cannot_open_the_keyset_and_says_why() {
        server(WRAP).seal("db", VALUE);
        assertThatThrownBy(() -> server(OTHER_WRAP).seal("db", VALUE))
                .hasMessageContaining("does not open with this server's key").hasMessageContaining("API token");
    }

    @Test
    void the_row_holds_the_keyset_encrypted_and_only_the_servers_key_opens_it() throws Exception {
        server(WRAP).seal("db", VALUE);
        byte[] row = stored().encrypted();
        assertThatThrownBy(() -> com.google.crypto.tink.TinkProtoKeysetFormat.parseKeyset(row, com.google.crypto.tink.InsecureSecretKeyAccess.get()))
                .as("not a keyset in the clear").isInstanceOf(java.security.GeneralSecurityException.class);
        assertThatThrownBy(() -> com.google.crypto.tink.TinkProtoKeysetFormat.parseEncryptedKeyset(row,
                new com.google.crypto.tink.subtle.XChaCha20Poly1305(OTHER_WRAP), "yoq-secrets-keyset".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(java.security.GeneralSecurityException.class);
        assertThat(com.google.crypto.tink.TinkProtoKeysetFormat.parseEncryptedKeyset(row, new com.google.crypto.tink.subtle.XChaCha20Poly1305(WRAP),
                "yoq-secrets-keyset".getBytes(StandardCharsets.US_ASCII)).size()).isEqualTo(1);
    }

    @Test
    void a_server_that_lost_the_race_to_make_the_first_keyset_uses_the_winners() throws Exception {
        SecretCipher winner = server(WRAP);
        SecretCipher.Sealed s = winner.seal("db", VALUE);
        int[] reads = {0};
        // the loser's first look comes before the winner's keyset was applied where it reads
        SecretCipher loser = new SecretCipher(new ClusterKeysets(WRAP, () -> reads[0]++ == 0 ? null : stored(), bus::submit, () -> 2_000L));
        assertThat(loser.open("db", s.nonce(), s.ciphertext(), s.tag())).isEqualTo(VALUE);
        assertThat(reads[0]).as("refused, then read again").isEqualTo(2);
        assertThat(db.count("SELECT COUNT(*) FROM secret_keysets")).isEqualTo(1);
    }
}
