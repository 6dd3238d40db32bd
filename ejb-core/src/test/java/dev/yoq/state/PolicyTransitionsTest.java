package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.model.AuditEntry;
import dev.yoq.model.PolicyRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Policy rules by command against real SQLite: one per pair, replaced not doubled, each change audited. */
class PolicyTransitionsTest extends BusTestBase {
    List<String> rules() {
        return db.inNewTransaction(em -> em.createQuery("SELECT p FROM PolicyRecord p ORDER BY p.source, p.target", PolicyRecord.class)
                .getResultList().stream().map(p -> p.getSource() + ">" + p.getTarget() + ":" + p.getAction()).toList());
    }

    @Test
    void a_pair_has_one_rule_whose_action_can_change_and_removal_is_audited() {
        bus.submit(new Command.SetPolicy("web", "db", "deny", "api", 1_000));
        bus.submit(new Command.SetPolicy("api", "db", "allow", "api", 1_001));
        bus.submit(new Command.SetPolicy("web", "db", "allow", "api", 1_002));
        assertThat(rules()).containsExactly("api>db:allow", "web>db:allow");
        bus.submit(new Command.RemovePolicy("web", "db", "api", 1_003));
        assertThat(rules()).containsExactly("api>db:allow");
        assertThatThrownBy(() -> bus.submit(new Command.RemovePolicy("web", "db", "api", 1_004))).hasMessage("no policy from web to db");
        List<String> audit = db.inNewTransaction(em -> em.createQuery("SELECT a FROM AuditEntry a ORDER BY a.id", AuditEntry.class)
                .getResultList().stream().map(a -> a.getAction() + " " + a.getTarget()).toList());
        assertThat(audit).containsExactly("policy_add web -> db: deny", "policy_add api -> db: allow", "policy_add web -> db: allow",
                "policy_delete web -> db");
    }
}
