package dev.yoq.state;

import dev.yoq.model.AuditEntry;
import dev.yoq.model.PolicyRecord;
import jakarta.persistence.EntityManager;

/** The state machine's network policy commands: one rule per (source, target), each change audited. */
final class PolicyTransitions {
    private PolicyTransitions() {}

    static Object apply(Command<?> command, EntityManager em) {
        if (command instanceof Command.SetPolicy c) {
            PolicyRecord r = find(c.source(), c.target(), em);
            if (r == null) em.persist(new PolicyRecord(c.source(), c.target(), c.action(), c.at()));
            else r.setAction(c.action());
            em.persist(new AuditEntry(c.at(), c.actor(), "policy_add", c.source() + " -> " + c.target() + ": " + c.action(), "ok"));
            return c.action();
        }
        if (command instanceof Command.RemovePolicy c) {
            PolicyRecord r = find(c.source(), c.target(), em);
            if (r == null) throw new CommandRejectedException("no policy from " + c.source() + " to " + c.target());
            em.remove(r);
            em.persist(new AuditEntry(c.at(), c.actor(), "policy_delete", c.source() + " -> " + c.target(), "ok"));
            return null;
        }
        throw new IllegalArgumentException(command.getClass().getName());
    }

    private static PolicyRecord find(String source, String target, EntityManager em) {
        return em.createQuery("SELECT p FROM PolicyRecord p WHERE p.source = :s AND p.target = :t", PolicyRecord.class)
                .setParameter("s", source).setParameter("t", target).getResultStream().findFirst().orElse(null);
    }
}
