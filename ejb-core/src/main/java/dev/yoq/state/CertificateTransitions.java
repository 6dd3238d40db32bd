package dev.yoq.state;

import dev.yoq.model.CertificateRecord;
import jakarta.persistence.EntityManager;
import java.util.Set;

/**
 * TLS certificates, one per domain (deterministic, like every transition). The PEMs were checked before the
 * command was made (dev.yoq.edge.CertificatePem): checking them here would make replaying the log depend on the
 * clock, since a certificate valid when installed expires later.
 */
final class CertificateTransitions {
    private static final Set<String> SOURCES = Set.of(CertificateRecord.MANUAL, CertificateRecord.ACME);

    private CertificateTransitions() {}

    static Object apply(Command<?> command, EntityManager em) {
        if (command instanceof Command.PutCertificate c) return put(c, em);
        if (command instanceof Command.RemoveCertificate c) return remove(c, em);
        throw new IllegalArgumentException(command.getClass().getName());
    }

    private static Void put(Command.PutCertificate c, EntityManager em) {
        if (!SOURCES.contains(c.source())) throw new CommandRejectedException("certificate source must be manual or acme, got " + c.source());
        if (c.domain() == null || c.certPem() == null || c.keyPem() == null) {
            throw new CommandRejectedException("a certificate needs a domain, a chain and a key");
        }
        CertificateRecord r = em.find(CertificateRecord.class, c.domain());
        if (r == null) em.persist(new CertificateRecord(c.domain(), c.certPem(), c.keyPem(), c.notAfter(), c.source(), c.at()));
        else r.replace(c.certPem(), c.keyPem(), c.notAfter(), c.source(), c.at());
        return null;
    }

    private static Boolean remove(Command.RemoveCertificate c, EntityManager em) {
        CertificateRecord r = em.find(CertificateRecord.class, c.domain());
        if (r == null) return false;
        em.remove(r);
        return true;
    }
}
