package dev.yoq.security;

import dev.yoq.cluster.work.RunDetails;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secrets of work on agents (docs/security.md, "Secrets on a cluster"): an agent asks for the values its
 * assignment names and gets each sealed to the key it sent ({@link AgentSealing}), never another assignment's, never
 * a secret the work does not name; every hand-over is audited by name. A secret's version (a digest of its current
 * nonce, which every seal draws afresh) tells the agent when a value changed, without anything of the value.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class AgentSecrets {
    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    SecretService secrets;

    @Inject
    CommandBus bus;

    /** A value sealed for the agent, with its version. */
    public record Sealed(String name, String version, byte[] sealed) {}

    /**
     * The assignment's secrets sealed to {@code publicKey}: 404 for an assignment not on this agent, 409 for one no
     * longer wanted (its work is over), 404 for a secret removed since the apply.
     */
    public List<Sealed> sealFor(String agentId, String assignmentId, String publicKey, long now) {
        List<?> own = em.createNativeQuery("SELECT COALESCE(token_hash, '') FROM agents WHERE id = ?1").setParameter(1, agentId).getResultList();
        if (own.isEmpty() || ((String) own.get(0)).isEmpty()) {   // an agent from before agent tokens answers to the shared join token
            throw new SecurityException(SecurityException.Kind.FORBIDDEN, "agent " + agentId + " has no token of its own: "
                    + "remove <data dir>/cluster/agent_id on its node and run yoq join again, so that it registers anew with a token of its own");
        }
        List<?> rows = em.createNativeQuery("SELECT status, details FROM assignments WHERE id = ?1 AND agent_id = ?2")
                .setParameter(1, assignmentId).setParameter(2, agentId).getResultList();
        if (rows.isEmpty()) throw new SecurityException(SecurityException.Kind.NOT_FOUND, "no such assignment on agent " + agentId);
        Object[] r = (Object[]) rows.get(0);
        if (!"pending".equals(r[0]) && !"running".equals(r[0])) {
            throw new SecurityException(SecurityException.Kind.CONFLICT, "assignment " + assignmentId + " is " + r[0] + ": its secrets are not given");
        }
        List<String> names = RunDetails.secrets((String) r[1]);
        Map<String, String> versions = versions(names);
        List<Sealed> out = new ArrayList<>();
        for (String name : names) {
            byte[] value = secrets.value(name);
            try {
                out.add(new Sealed(name, versions.get(name), AgentSealing.seal(publicKey, AgentSealing.context(agentId, name), value)));
            } catch (IllegalArgumentException e) {
                throw new SecurityException(SecurityException.Kind.INVALID, e.getMessage());
            } finally {
                java.util.Arrays.fill(value, (byte) 0);
            }
        }
        if (!names.isEmpty()) {
            bus.submit(new Command.RecordAudit("agent:" + agentId, "secret_deliver", String.join(",", names) + " for assignment " + assignmentId,
                    "ok", now));
        }
        return out;
    }

    /** Each named secret's version (16 hex digits); a name not stored has none. */
    public Map<String, String> versions(Collection<String> names) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : names) {
            List<?> rows = em.createNativeQuery("SELECT nonce FROM secrets WHERE name = ?1").setParameter(1, name).getResultList();
            if (!rows.isEmpty()) out.put(name, version((byte[]) rows.get(0)));
        }
        return out;
    }

    static String version(byte[] nonce) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(nonce), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
