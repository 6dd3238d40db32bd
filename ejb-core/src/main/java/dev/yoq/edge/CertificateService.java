package dev.yoq.edge;

import dev.yoq.model.AcmeConfigRecord;
import dev.yoq.model.CertificateRecord;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.FreshReads;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The TLS certificate store: one certificate per domain, checked by {@link CertificatePem} before it is stored by
 * command. The private key stays in the database: {@link #list()} never reads it, and only {@link #all()}, for the
 * edge proxy's configuration, hands it out.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class CertificateService {
    static final String ACTOR = "api";

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    CommandBus bus;

    /** A stored certificate without its key: what users see. {@code notAfter} in epoch seconds, the others in milliseconds. */
    public record Summary(String domain, long notAfter, String source, long createdAt, long updatedAt) {}

    /** A stored certificate with its key, for the edge proxy. {@code notAfter} in epoch seconds. */
    public record Stored(String domain, String certPem, String keyPem, long notAfter, String source) {
        /** Without the PEMs: a record may be logged, the key must not be. */
        @Override
        public String toString() {
            return "Stored[domain=" + domain + ", notAfter=" + notAfter + ", source=" + source + "]";
        }
    }

    /** Every certificate by domain, without keys: the query does not even select them. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<Summary> list() {
        return FreshReads.fresh(em.createQuery("SELECT c.domain, c.notAfter, c.source, c.createdAt, c.updatedAt FROM CertificateRecord c "
                + "ORDER BY c.domain", Object[].class)).getResultList().stream()
                .map(r -> new Summary((String) r[0], ((Number) r[1]).longValue(), (String) r[2], ((Number) r[3]).longValue(),
                        ((Number) r[4]).longValue()))
                .toList();
    }

    /**
     * Checks and stores a certificate the user brings (source manual), replacing the domain's current one.
     * Refused (INVALID, the message says why) when the PEMs do not make a valid, unexpired pair for the domain.
     */
    public CertificatePem.Checked install(String domain, String certPem, String keyPem) {
        return install(domain, certPem, keyPem, ACTOR);
    }

    /** {@link #install(String, String, String)}, audited as {@code actor}. */
    public CertificatePem.Checked install(String domain, String certPem, String keyPem, String actor) {
        CertificatePem.Checked c;
        try {
            c = CertificatePem.check(domain, certPem, keyPem, Instant.now());
        } catch (IllegalArgumentException e) {
            throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, e.getMessage());
        }
        long at = System.currentTimeMillis();
        bus.submit(new Command.PutCertificate(c.domain(), c.certPem(), c.keyPem(), c.notAfter(), CertificateRecord.MANUAL, at));
        bus.submit(new Command.RecordAudit(actor, "certificate_install", c.domain(), "ok", at));
        return c;
    }

    /**
     * Checks and stores a certificate ACME issued (source acme) with the settings it was obtained with, for its
     * renewals. The domain's current certificate serves until this replaces it. Refused (INVALID) like
     * {@link #install} when the CA's answer does not make a valid pair for the domain.
     */
    public CertificatePem.Checked storeIssued(String domain, String certPem, String keyPem, AcmeConfig config, String actor, String action) {
        CertificatePem.Checked c;
        try {
            c = CertificatePem.check(domain, certPem, keyPem, Instant.now());
        } catch (IllegalArgumentException e) {
            throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, "the CA's certificate is not usable: " + e.getMessage());
        }
        long at = System.currentTimeMillis();
        bus.submit(new Command.PutCertificate(c.domain(), c.certPem(), c.keyPem(), c.notAfter(), CertificateRecord.ACME, at));
        bus.submit(new Command.PutAcmeConfig(c.domain(), config.toJson(), at));
        bus.submit(new Command.RecordAudit(actor, action, c.domain(), "ok", at));
        return c;
    }

    /** The ACME settings of every ACME-managed domain; a row that cannot be read is logged and left out. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Map<String, AcmeConfig> acmeConfigs() {
        Map<String, AcmeConfig> all = new TreeMap<>();
        for (AcmeConfigRecord r : FreshReads.fresh(em.createQuery("SELECT a FROM AcmeConfigRecord a", AcmeConfigRecord.class)).getResultList()) {
            try {
                all.put(r.getDomain(), AcmeConfig.fromJson(r.getConfigJson()));
            } catch (IllegalArgumentException e) {
                java.util.logging.Logger.getLogger(CertificateService.class.getName()).warning("acme: " + r.getDomain() + ": " + e.getMessage());
            }
        }
        return all;
    }

    /** Removes the domain's certificate; false when it has none. A name that is not a domain is INVALID. */
    public boolean remove(String domain) {
        return remove(domain, ACTOR);
    }

    /** {@link #remove(String)}, audited as {@code actor}. */
    public boolean remove(String domain, String actor) {
        String d = domainOrInvalid(domain);
        boolean removed = bus.submit(new Command.RemoveCertificate(d));
        if (removed) bus.submit(new Command.RecordAudit(actor, "certificate_remove", d, "ok", System.currentTimeMillis()));
        return removed;
    }

    /**
     * Every certificate WITH its private key. Only the edge proxy's configuration may call this (the proxy needs
     * the pairs to terminate TLS); no route, log line or command output may carry what it returns.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<Stored> all() {
        return FreshReads.fresh(em.createQuery("SELECT c FROM CertificateRecord c ORDER BY c.domain", CertificateRecord.class)).getResultList()
                .stream().map(c -> new Stored(c.getDomain(), c.getCertPem(), c.getKeyPem(), c.getNotAfter(), c.getSource())).toList();
    }

    /** The domain as stored (lower case), or INVALID saying what a domain may be. */
    public static String domainOrInvalid(String domain) {
        try {
            return CertificatePem.domain(domain);
        } catch (IllegalArgumentException e) {
            throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, e.getMessage());
        }
    }
}
