package dev.yoq.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** XChaCha20-Poly1305 through Tink with spec §5.6's layout, the key file's rules, and key rotation. */
class SecretCipherTest {
    @TempDir
    Path dir;

    static final byte[] VALUE = "s3cr3t-value".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_value_seals_with_a_24_byte_nonce_and_a_16_byte_tag_and_opens_only_under_its_own_name() throws Exception {
        SecretCipher cipher = new SecretCipher(dir.resolve("secrets.key"));
        SecretCipher.Sealed a = cipher.seal("db", VALUE);
        SecretCipher.Sealed b = cipher.seal("db", VALUE);
        assertThat(a.nonce()).hasSize(24);
        assertThat(a.tag()).hasSize(16);
        assertThat(a.ciphertext()).hasSize(VALUE.length).isNotEqualTo(VALUE);
        assertThat(a.nonce()).as("a fresh nonce each time").isNotEqualTo(b.nonce());
        assertThat(cipher.open("db", a.nonce(), a.ciphertext(), a.tag())).isEqualTo(VALUE);
        assertThatThrownBy(() -> cipher.open("other", a.nonce(), a.ciphertext(), a.tag()))
                .hasMessageContaining("secret other does not decrypt").hasMessageNotContaining("s3cr3t");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secrets.key")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("secrets.key"))).doesNotContain("s3cr3t");
    }

    @Test
    void the_key_file_is_kept_and_a_second_cipher_on_it_opens_what_the_first_sealed() {
        SecretCipher.Sealed s = new SecretCipher(dir.resolve("secrets.key")).seal("db", VALUE);
        assertThat(new SecretCipher(dir.resolve("secrets.key")).open("db", s.nonce(), s.ciphertext(), s.tag())).isEqualTo(VALUE);
        assertThatThrownBy(() -> new SecretCipher(dir.resolve("other.key")).open("db", s.nonce(), s.ciphertext(), s.tag()))
                .hasMessageContaining("does not decrypt with this node's other.key");
    }

    @Test
    void a_key_readable_by_others_is_refused() throws Exception {
        new SecretCipher(dir.resolve("secrets.key")).seal("db", VALUE);
        Files.setPosixFilePermissions(dir.resolve("secrets.key"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> new SecretCipher(dir.resolve("secrets.key")).seal("db", VALUE))
                .hasMessageContaining("is readable by others (rw-r--r--): chmod 600 it");
    }

    @Test
    void a_key_rotation_seals_under_the_new_key_and_still_opens_what_the_old_one_sealed() {
        SecretCipher cipher = new SecretCipher(dir.resolve("secrets.key"));
        SecretCipher.Sealed old = cipher.seal("db", VALUE);
        int newKey = cipher.rotateKey();
        assertThat(newKey).isNotEqualTo(old.keyId());
        SecretCipher.Sealed fresh = cipher.seal("db", VALUE);
        assertThat(fresh.keyId()).isEqualTo(newKey);
        SecretCipher reloaded = new SecretCipher(dir.resolve("secrets.key"));
        assertThat(reloaded.primaryKeyId()).isEqualTo(newKey);
        assertThat(reloaded.open("db", old.nonce(), old.ciphertext(), old.tag())).isEqualTo(VALUE);
        assertThat(reloaded.open("db", fresh.nonce(), fresh.ciphertext(), fresh.tag())).isEqualTo(VALUE);
    }
}
