package dev.yoq.state;

import dev.yoq.model.AuditEntry;
import dev.yoq.model.NodeRecord;
import jakarta.persistence.EntityManager;

/**
 * Applies commands to the database. Deterministic: the result depends only on the command and the current
 * state, never on the clock, randomness or the environment. Called only by the {@link CommandBus}, inside the
 * transaction the bus opened.
 */
public final class StateMachine {

    @SuppressWarnings("unchecked")
    public <R> R apply(Command<R> command, EntityManager em) {
        // Java 17 has no pattern matching for switch; one branch per command keeps dispatch in one place.
        if (command instanceof Command.RegisterNode c) {
            return (R) registerNode(c, em);
        }
        if (command instanceof Command.RecordServerStart c) {
            return (R) recordServerStart(c, em);
        }
        if (command instanceof Command.RecordAudit c) {
            return (R) recordAudit(c, em);
        }
        if (command instanceof Command.CreateContainer
                || command instanceof Command.RecordContainerStarted
                || command instanceof Command.RecordContainerEnded
                || command instanceof Command.SetContainerDesiredState
                || command instanceof Command.RemoveContainer
                || command instanceof Command.SetContainerSecrets) {
            return (R) ContainerTransitions.apply(command, em);
        }
        if (command instanceof Command.RecordImage || command instanceof Command.RemoveImage) {
            return (R) ImageTransitions.apply(command, em);
        }
        if (command instanceof Command.EnsureService || command instanceof Command.RemoveService
                || command instanceof Command.SetEndpointStates) {
            return (R) ServiceTransitions.apply(command, em);
        }
        if (command instanceof Command.SetPolicy || command instanceof Command.RemovePolicy) {
            return (R) PolicyTransitions.apply(command, em);
        }
        if (command instanceof Command.CreateRelease || command instanceof Command.RecordRolloutProgress
                || command instanceof Command.SetRolloutControl || command instanceof Command.CompactReleases
                || command instanceof Command.RecordWorkloadRun || command instanceof Command.FinishWorkloadRun
                || command instanceof Command.SetWorkloadRunContainer
                || command instanceof Command.EnsureVolume || command instanceof Command.MarkAppDown) {
            return (R) AppTransitions.apply(command, em);
        }
        if (command instanceof Command.PutCertificate || command instanceof Command.RemoveCertificate
                || command instanceof Command.PutAcmeConfig || command instanceof Command.PutAcmeAccount) {
            return (R) CertificateTransitions.apply(command, em);
        }
        if (command instanceof Command.RegisterAgent || command instanceof Command.RecordHeartbeats
                || command instanceof Command.DrainAgent || command instanceof Command.MarkAgentsOffline
                || command instanceof Command.ForgetAgents || command instanceof Command.SetAgentLabels) {
            return (R) AgentTransitions.apply(command, em);
        }
        if (command instanceof Command.PlaceAssignments || command instanceof Command.ReportAssignment
                || command instanceof Command.RemoveAssignments) {
            return (R) AssignmentTransitions.apply(command, em);
        }
        if (command instanceof Command.PutSecret || command instanceof Command.RemoveSecret || command instanceof Command.PutSecretKeyset
                || command instanceof Command.CreateToken || command instanceof Command.RevokeToken
                || command instanceof Command.PruneAudit || command instanceof Command.PutServiceCa
                || command instanceof Command.PutServiceCert || command instanceof Command.PruneServiceCerts) {
            return (R) SecurityTransitions.apply(command, em);
        }
        throw new IllegalArgumentException("no state transition for " + command.getClass().getName());
    }

    private String registerNode(Command.RegisterNode c, EntityManager em) {
        var existing = em.createQuery("SELECT n.id FROM NodeRecord n", String.class).getResultList();
        if (!existing.isEmpty()) {
            throw new CommandRejectedException("this database already belongs to node " + existing.get(0));
        }
        em.persist(new NodeRecord(c.nodeId(), c.role(), c.hostname(), c.at(), c.version()));
        return c.nodeId();
    }

    private Long recordServerStart(Command.RecordServerStart c, EntityManager em) {
        NodeRecord node = em.find(NodeRecord.class, c.nodeId());
        if (node == null) {
            throw new CommandRejectedException("unknown node " + c.nodeId());
        }
        node.recordStart(c.at(), c.version());
        em.persist(new AuditEntry(c.at(), "local", "server_start", c.nodeId(), "ok"));
        return node.getStartCount();
    }

    private Long recordAudit(Command.RecordAudit c, EntityManager em) {
        AuditEntry entry = new AuditEntry(c.at(), c.actor(), c.action(), c.target(), c.outcome());
        em.persist(entry);
        em.flush();
        return entry.getId();
    }
}
