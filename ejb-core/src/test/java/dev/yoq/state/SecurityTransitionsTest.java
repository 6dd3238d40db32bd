package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Secrets, tokens and audit retention by command against real SQLite. */
class SecurityTransitionsTest extends BusTestBase {
    static final Base64.Encoder B64 = Base64.getEncoder();

    Command.PutSecret put(String name, byte[] ct, long at) {
        return new Command.PutSecret(name, B64.encodeToString(new byte[24]), B64.encodeToString(ct), B64.encodeToString(new byte[16]),
                7, "secret_set", "alice", at);
    }

    @Test
    void a_secret_row_keeps_nonce_ciphertext_and_tag_apart_and_is_replaced_in_place() throws Exception {
        assertThat(bus.submit(put("db", new byte[] {1, 2, 3}, 1_000))).isTrue();
        assertThat(bus.submit(put("db", new byte[] {4, 5}, 2_000))).isFalse();
        assertThat(db.count("SELECT COUNT(*) FROM secrets")).isEqualTo(1);
        assertThat(db.count("SELECT length(nonce) FROM secrets")).isEqualTo(24);
        assertThat(db.count("SELECT length(tag) FROM secrets")).isEqualTo(16);
        assertThat(db.count("SELECT length(encrypted_value) FROM secrets")).isEqualTo(2);
        assertThat(db.count("SELECT created_at FROM secrets")).isEqualTo(1_000);
        assertThat(db.count("SELECT updated_at FROM secrets")).isEqualTo(2_000);
        bus.submit(new Command.RemoveSecret("db", "alice", 3_000));
        assertThatThrownBy(() -> bus.submit(new Command.RemoveSecret("db", "alice", 4_000))).hasMessage("secret not found: db");
        assertThat(db.count("SELECT COUNT(*) FROM audit_log WHERE actor = 'alice' AND target = 'db'")).isEqualTo(3);
    }

    @Test
    void tokens_are_unique_by_name_and_by_hash_and_revoke_once() throws Exception {
        bus.submit(new Command.CreateToken("ci", "a".repeat(64), "apps:read", null, "api-token", 1_000));
        assertThatThrownBy(() -> bus.submit(new Command.CreateToken("ci", "b".repeat(64), "apps:read", null, "api-token", 1_001)))
                .hasMessage("token ci exists already");
        assertThatThrownBy(() -> bus.submit(new Command.CreateToken("other", "a".repeat(64), "*", 5_000L, "api-token", 1_002)))
                .hasMessage("token secret is taken");
        bus.submit(new Command.RevokeToken("ci", "api-token", 2_000));
        assertThatThrownBy(() -> bus.submit(new Command.RevokeToken("ci", "api-token", 2_001))).hasMessage("token ci is revoked already");
        assertThatThrownBy(() -> bus.submit(new Command.RevokeToken("nope", "api-token", 2_002))).hasMessage("token not found: nope");
        assertThat(db.count("SELECT revoked_at FROM tokens WHERE name = 'ci'")).isEqualTo(2_000);
    }

    @Test
    void audit_retention_drops_old_entries_and_keeps_at_most_the_newest_n() throws Exception {
        for (int i = 0; i < 10; i++) bus.submit(new Command.RecordAudit("a", "x", "t" + i, "ok", 1_000 + i));
        assertThat(bus.submit(new Command.PruneAudit(1_003, 5))).isEqualTo(5);   // 3 too old, then 2 beyond the newest 5
        List<String> left = db.inNewTransaction(em -> em.createQuery("SELECT a.target FROM AuditEntry a ORDER BY a.id", String.class).getResultList());
        assertThat(left).containsExactly("t5", "t6", "t7", "t8", "t9");
    }
}
