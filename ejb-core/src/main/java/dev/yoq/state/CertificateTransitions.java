package dev.yoq.state;

import dev.yoq.model.AcmeAccountRecord;
import dev.yoq.model.AcmeConfigRecord;
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
        if (command instanceof Command.PutAcmeConfig c) return putAcmeConfig(c, em);
        if (command instanceof Command.PutAcmeAccount c) return putAcmeAccount(c, em);
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
        // a certificate installed by hand is no longer ACME's: its renewal settings go, or renewal would replace it
        AcmeConfigRecord acme = CertificateRecord.MANUAL.equals(c.source()) ? em.find(AcmeConfigRecord.class, c.domain()) : null;
        if (acme != null) em.remove(acme);
        return null;
    }

    private static Void putAcmeConfig(Command.PutAcmeConfig c, EntityManager em) {
        if (em.find(CertificateRecord.class, c.domain()) == null) throw new CommandRejectedException("no certificate for " + c.domain());
        AcmeConfigRecord r = em.find(AcmeConfigRecord.class, c.domain());
        if (r == null) em.persist(new AcmeConfigRecord(c.domain(), c.configJson(), c.at()));
        else r.replace(c.configJson(), c.at());
        return null;
    }

    /** The first key stored for an email stays: replacing it would lose the account the CA knows by it. */
    private static String putAcmeAccount(Command.PutAcmeAccount c, EntityManager em) {
        if (c.email() == null || c.keyPem() == null || c.directoryUrl() == null) {
            throw new CommandRejectedException("an ACME account needs an email, a directory and a key");
        }
        AcmeAccountRecord r = em.find(AcmeAccountRecord.class, c.email());
        if (r == null) {
            em.persist(new AcmeAccountRecord(c.email(), c.directoryUrl(), c.keyPem(), c.accountUrl(), c.at()));
            return c.keyPem();
        }
        r.usedAt(c.directoryUrl(), c.accountUrl());
        return r.getKeyPem();
    }

    private static Boolean remove(Command.RemoveCertificate c, EntityManager em) {
        CertificateRecord r = em.find(CertificateRecord.class, c.domain());
        if (r == null) return false;
        em.remove(r);
        return true;
    }
}
