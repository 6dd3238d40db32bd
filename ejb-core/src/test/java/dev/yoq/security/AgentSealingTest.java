package dev.yoq.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.hybrid.PredefinedHybridParameters;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Values sealed to an agent's own key: they open only with that key, for that agent and name. */
class AgentSealingTest {
    static final byte[] VALUE = "s3cr3t-value".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_value_opens_with_the_agents_key_for_its_agent_and_name_only() throws Exception {
        KeysetHandle key = AgentSealing.newKey();
        byte[] sealed = AgentSealing.seal(AgentSealing.publicKey(key), AgentSealing.context("a1", "db"), VALUE);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t");
        assertThat(AgentSealing.open(key, AgentSealing.context("a1", "db"), sealed)).isEqualTo(VALUE);
        assertThatThrownBy(() -> AgentSealing.open(key, AgentSealing.context("a2", "db"), sealed)).as("another agent's")
                .isInstanceOf(java.security.GeneralSecurityException.class);
        assertThatThrownBy(() -> AgentSealing.open(key, AgentSealing.context("a1", "other"), sealed)).as("another name's")
                .isInstanceOf(java.security.GeneralSecurityException.class);
        assertThatThrownBy(() -> AgentSealing.open(AgentSealing.newKey(), AgentSealing.context("a1", "db"), sealed)).as("another key")
                .isInstanceOf(java.security.GeneralSecurityException.class);
    }

    @Test
    void the_public_key_is_short_and_holds_no_private_part() throws Exception {
        String pub = AgentSealing.publicKey(AgentSealing.newKey());
        assertThat(pub.length()).isLessThan(200);
        KeysetHandle parsed = TinkProtoKeysetFormat.parseKeysetWithoutSecret(Base64.getDecoder().decode(pub));
        assertThat(parsed.getPrimary().getKey()).isInstanceOf(com.google.crypto.tink.hybrid.HpkePublicKey.class);
        assertThat(parsed.getPrimary().getKey().getIdRequirementOrNull()).isNull();
    }

    @Test
    void a_key_that_is_not_one_hpke_public_key_is_refused_naming_public_key() throws Exception {
        assertThatThrownBy(() -> AgentSealing.seal(null, "c", VALUE)).hasMessage("public_key: missing");
        assertThatThrownBy(() -> AgentSealing.seal("x".repeat(2000), "c", VALUE)).hasMessageContaining("longer than 1024");
        assertThatThrownBy(() -> AgentSealing.seal("%%%", "c", VALUE)).hasMessage("public_key: not a base64 Tink public keyset");
        assertThatThrownBy(() -> AgentSealing.seal(Base64.getEncoder().encodeToString(new byte[40]), "c", VALUE))
                .hasMessageStartingWith("public_key:");
        HybridConfig.register();
        KeysetHandle ecies = KeysetHandle.generateNew(PredefinedHybridParameters.ECIES_P256_HKDF_HMAC_SHA256_AES128_GCM);
        String eciesPublic = Base64.getEncoder().encodeToString(TinkProtoKeysetFormat.serializeKeysetWithoutSecret(ecies.getPublicKeysetHandle()));
        assertThatThrownBy(() -> AgentSealing.seal(eciesPublic, "c", VALUE)).hasMessageContaining("not one HPKE X25519");
    }
}
