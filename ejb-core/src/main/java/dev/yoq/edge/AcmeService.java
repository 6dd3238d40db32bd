package dev.yoq.edge;

import dev.yoq.model.AcmeAccountRecord;
import dev.yoq.server.ServerSettings;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Obtains and renews ACME certificates on the server (§1.7 {@code cert provision|renew}, §3.8 renewal). HTTP-01 is
 * answered by yoq-proxy's ACME listener ({@code yoq.proxy.acme_port}) through {@link EdgeSync}; DNS-01 by the
 * {@code exec} provider's hook ({@link AcmeDnsHook}). One order per domain at a time. The domain's current
 * certificate keeps serving until the new one is stored. Renewal: every 12 h (first 5 min after start) each ACME
 * certificate expiring within 30 days is renewed with its stored settings; a failure is retried after a backoff
 * ({@link AcmeRenewals}) kept in memory with its message for {@code cert list}. Every minute, a service whose
 * finished release has {@code [tls.acme]} and whose domain has no certificate yet gets one with the manifest's
 * settings ({@link AcmeManifests}).
 */
@Singleton
@Startup
@DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AcmeService {
    private static final Logger LOG = Logger.getLogger(AcmeService.class.getName());
    /** The whole ACME exchange of one order; DNS-01 adds its hook runs and propagation wait. */
    static final Duration ORDER_TIMEOUT = Duration.ofSeconds(120);
    /** After an HTTP-01 answer is handed to EdgeSync: the proxy gets it on the next dataplane tick (250 ms). */
    static final long PROXY_SETTLE_MS = 1_000;
    /** How often services whose release asks for ACME are looked at: a certificate comes within a minute of the rollout. */
    static final long MANIFEST_SCAN_MS = 60_000;
    private static final String CHECK = "acme-renewal", RETRY = "acme-retry:", MANIFESTS = "acme-manifests";

    @Resource
    TimerService timers;
    @EJB
    dev.yoq.security.SecretService secrets;

    @EJB
    dev.yoq.server.ServerStartup startup;
    @EJB
    EdgeSync edge;
    @EJB
    CertificateService certificates;
    @EJB
    dev.yoq.app.ReleaseSnapshots snapshots;
    @Inject
    dev.yoq.cluster.ClusterInfo cluster;

    @Inject
    CommandBus bus;
    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, AcmeRenewals.Failure> failures = new ConcurrentHashMap<>();

    /** A certificate just stored: its domain and expiry (epoch seconds). */
    public record Result(String domain, long notAfter) {}

    @PostConstruct
    void start() {
        timers.createIntervalTimer(AcmeRenewals.FIRST_CHECK_MS, AcmeRenewals.CHECK_MS, new TimerConfig(CHECK, false));
        timers.createIntervalTimer(MANIFEST_SCAN_MS, MANIFEST_SCAN_MS, new TimerConfig(MANIFESTS, false));
    }

    /** Obtains a certificate for {@code domain} with the request's settings (defaults for the rest) and stores it. */
    public Result provision(String domain, AcmeRequest request) {
        return provision(domain, request, CertificateService.ACTOR);
    }

    /** {@link #provision(String, AcmeRequest)}, audited as {@code actor}. */
    public Result provision(String domain, AcmeRequest request, String actor) {
        String d = CertificateService.domainOrInvalid(domain);
        return run(d, resolve(d, request, null), actor, "certificate_provision");
    }

    /**
     * Renews {@code domain}'s certificate now with its stored settings, the request's fields replacing them; a
     * certificate installed by hand becomes ACME's. NOT_FOUND when the domain has no certificate.
     */
    public Result renew(String domain, AcmeRequest request) {
        return renew(domain, request, CertificateService.ACTOR);
    }

    /** {@link #renew(String, AcmeRequest)} for {@code actor}: the API's user, or the renewal timer ({@code local}). */
    public Result renew(String domain, AcmeRequest request, String actor) {
        String d = CertificateService.domainOrInvalid(domain);
        if (certificates.list().stream().noneMatch(c -> c.domain().equals(d))) {
            throw new CertificateStoreException(CertificateStoreException.Kind.NOT_FOUND, "certificate not found: " + d
                    + " (obtain one with `yoq cert provision " + d + "`)");
        }
        AcmeConfig config = resolve(d, request, certificates.acmeConfigs().get(d));
        try {
            Result r = run(d, config, actor, "certificate_renew");
            failures.remove(d);
            return r;
        } catch (CertificateStoreException e) {
            if (e.kind() == CertificateStoreException.Kind.UPSTREAM) failed(d, e.getMessage());
            throw e;
        }
    }

    /** The last failure of each domain whose renewal is failing (cleared by its next success). */
    public Map<String, AcmeRenewals.Failure> renewalFailures() {
        return Map.copyOf(failures);
    }

    /** The 12-hourly check, one domain's retry after its backoff, or the minutely look at the services' manifests. */
    @Timeout
    void timeout(Timer timer) {
        if (!startup.report().ready() || !"server".equals(startup.settings().role())) return;
        if (!cluster.leads()) return;   // in a cluster the leader alone orders certificates: they are replicated
        Object info = timer.getInfo();
        if (MANIFESTS.equals(info)) {
            provisionFromManifests();
            return;
        }
        Set<String> only = info instanceof String s && s.startsWith(RETRY) ? Set.of(s.substring(RETRY.length())) : null;
        for (String d : AcmeRenewals.due(certificates.list(), certificates.acmeConfigs().keySet(), failures, System.currentTimeMillis())) {
            if (only != null && !only.contains(d)) continue;
            try {
                renew(d, AcmeRequest.NONE, "local");
            } catch (CertificateStoreException e) {
                // renew() recorded the CA's refusals; the rest (a DNS secret removed since, settings that no longer
                // resolve) are recorded here too, so cert list shows them and the domain backs off
                if (e.kind() != CertificateStoreException.Kind.UPSTREAM && e.kind() != CertificateStoreException.Kind.CONFLICT) timerFailed(d, e);
                LOG.warning("acme: renewing " + d + " failed: " + e.getMessage());
            } catch (RuntimeException e) {
                timerFailed(d, e);
                LOG.warning("acme: renewing " + d + " failed: " + e.getMessage());
            }
        }
    }

    /**
     * Obtains the certificate of each service whose release has {@code [tls.acme]} and whose domain has none yet,
     * with the manifest's settings; a failure backs off like a renewal (the next scans skip the domain until then).
     */
    void provisionFromManifests() {
        Set<String> have = new java.util.HashSet<>();
        certificates.list().forEach(c -> have.add(c.domain()));
        for (Map.Entry<String, dev.yoq.manifest.Manifest.Acme> w : AcmeManifests.wanted(em, snapshots).entrySet()) {
            String domain = w.getKey();
            AcmeRenewals.Failure f = failures.get(domain);
            if (have.contains(domain) || inFlight.contains(domain) || f != null && System.currentTimeMillis() < f.retryAtMs()) continue;
            try {
                AcmeRequest request;
                try {
                    request = AcmeRequest.fromManifest(w.getValue());
                } catch (IllegalArgumentException e) {
                    throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, e.getMessage());
                }
                run(domain, resolve(domain, request, null), "local", "certificate_provision");
                failures.remove(domain);
            } catch (RuntimeException e) {
                AcmeRenewals.Failure next = failures.compute(domain, (d, p) -> AcmeRenewals.failed(p, e.getMessage(), System.currentTimeMillis()));
                LOG.warning("acme: obtaining the certificate of " + domain + " for its service failed (next try in "
                        + next.backoffMs() / 60_000 + " min): " + e.getMessage());
            }
        }
    }

    private void timerFailed(String domain, RuntimeException e) {
        failed(domain, String.valueOf(e.getMessage()));
        bus.submit(new Command.RecordAudit("local", "certificate_renew", domain, "failed: " + e.getMessage(), System.currentTimeMillis()));
    }

    /** Records the failure and asks the timer service for a retry when the backoff ends. */
    private void failed(String domain, String message) {
        AcmeRenewals.Failure f = failures.compute(domain, (d, previous) -> AcmeRenewals.failed(previous, message, System.currentTimeMillis()));
        timers.createSingleActionTimer(f.backoffMs(), new TimerConfig(RETRY + domain, false));
    }

    private AcmeConfig resolve(String domain, AcmeRequest request, AcmeConfig base) {
        ServerSettings.Acme s = startup.settings().acme();
        try {
            return AcmeConfig.resolve(domain, request == null ? AcmeRequest.NONE : request, base, s.directoryUrl(), s.email());
        } catch (IllegalArgumentException e) {
            throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, e.getMessage());
        }
    }

    private Result run(String domain, AcmeConfig config, String actor, String action) {
        AcmeIssuer.Challenges answers = challenges(domain, config);
        if (!inFlight.add(domain)) {
            throw new CertificateStoreException(CertificateStoreException.Kind.CONFLICT, "an ACME order for " + domain + " is already running");
        }
        try {
            String keyPem = accountKeyPem(config);
            AcmeIssuer.Issued issued = AcmeIssuer.issue(new AcmeIssuer.Request(URI.create(config.directoryUrl()), extraCaPem(), AcmeKeys.readPair(keyPem),
                    config.email(), domain, answers, timeout(config)));
            CertificatePem.Checked c = certificates.storeIssued(domain, issued.certPem(), issued.keyPem(), config, actor, action);
            bus.submit(new Command.PutAcmeAccount(config.email(), config.directoryUrl(), keyPem, issued.accountUrl(), System.currentTimeMillis()));
            LOG.info("acme: " + c.domain() + " issued by " + config.directoryUrl() + ", expires " + java.time.Instant.ofEpochSecond(c.notAfter()));
            return new Result(c.domain(), c.notAfter());
        } catch (AcmeIssuer.AcmeFailure e) {
            bus.submit(new Command.RecordAudit(actor, action, domain, "failed", System.currentTimeMillis()));
            throw new CertificateStoreException(CertificateStoreException.Kind.UPSTREAM, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CertificateStoreException(CertificateStoreException.Kind.UPSTREAM, "ACME order for " + domain + ": interrupted");
        } finally {
            inFlight.remove(domain);
        }
    }

    private static boolean holdsNul(byte[] value) {
        for (byte b : value) if (b == 0) return true;
        return false;
    }

    /** The kernel takes at most 128 KiB for one variable (name, '=' and value). */
    static final int MAX_DNS_SECRET_BYTES = 120 << 10;

    /** The DNS secrets' values, read from the store now (so a rotated one is used at the next renewal). */
    private java.util.Map<String, String> secretEnv(AcmeConfig config) {
        java.util.Map<String, String> env = new java.util.TreeMap<>();
        config.secrets().forEach((variable, name) -> {
            try {
                byte[] value = secrets.value(name);
                // checked here: the JDK's refusal of such a variable quotes the value
                if (holdsNul(value)) {
                    throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, "dns secret " + variable + ": secret " + name
                            + " holds a NUL byte, which no environment variable can");
                }
                if (value.length > MAX_DNS_SECRET_BYTES) {
                    throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, "dns secret " + variable + ": secret " + name
                            + " is " + value.length + " bytes, more than a variable takes (" + MAX_DNS_SECRET_BYTES + ")");
                }
                env.put(variable, java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value)).toString());
            } catch (dev.yoq.security.SecurityException e) {
                throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, "dns secret " + variable + ": " + e.getMessage());
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, "dns secret " + variable + ": secret " + name
                        + " is not UTF-8 text, which a variable must be");
            }
        });
        return env;
    }

    /** How the challenge is answered; INVALID for what cannot be (a provider not built, the ACME listener off). */
    private AcmeIssuer.Challenges challenges(String domain, AcmeConfig config) {
        if (config.dns()) {
            if (!AcmeRequest.EXEC.equals(config.provider())) {
                throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, "dns provider " + config.provider() + " is not built: use exec");
            }
            long settle = Math.min(config.pollIntervalSecs(), config.propagationTimeoutSecs());
            return new AcmeDnsHook(config.hook(), domain, config.directoryUrl(), Duration.ofSeconds(settle), secretEnv(config));
        }
        if (startup.settings().edge().acmePort() == 0) {
            throw new CertificateStoreException(CertificateStoreException.Kind.INVALID, "the http-01 challenge is answered by yoq-proxy's ACME "
                    + "listener, which yoq.proxy.acme_port=0 turns off: set it (the CA connects to port 80) or use dns-01");
        }
        return new ProxyAnswers();
    }

    /** HTTP-01 through yoq-proxy's ACME listener: EdgeSync puts the answer in the proxy's next configuration. */
    private final class ProxyAnswers implements AcmeIssuer.Http01 {
        @Override
        public void present(String token, String keyAuthorization) throws InterruptedException {
            edge.putChallenge(token, keyAuthorization);
            Thread.sleep(PROXY_SETTLE_MS);
        }

        @Override
        public void cleanup(String token) {
            edge.removeChallenge(token);
        }
    }

    private static Duration timeout(AcmeConfig config) {
        if (!config.dns()) return ORDER_TIMEOUT;
        long settle = Math.min(config.pollIntervalSecs(), config.propagationTimeoutSecs());
        return ORDER_TIMEOUT.plusSeconds(2L * AcmeDnsHook.HOOK_SECONDS + settle);
    }

    /** The email's account key (PEM), made and stored on its first order; the stored one wins a race. */
    private String accountKeyPem(AcmeConfig config) {
        AcmeAccountRecord stored = dev.yoq.state.FreshReads.fresh(em.createQuery("SELECT a FROM AcmeAccountRecord a WHERE a.email = :e",
                AcmeAccountRecord.class).setParameter("e", config.email())).getResultList().stream().findFirst().orElse(null);
        if (stored != null) return stored.getKeyPem();
        return bus.submit(new Command.PutAcmeAccount(config.email(), config.directoryUrl(), AcmeKeys.pairPem(AcmeKeys.generate()), null,
                System.currentTimeMillis()));
    }

    /** {@code yoq.acme.ca_pem}'s CAs, read at each order (the file may have been replaced), or null. */
    private String extraCaPem() {
        java.nio.file.Path path = startup.settings().acme().caPem();
        if (path == null) return null;
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new CertificateStoreException(CertificateStoreException.Kind.UPSTREAM, "yoq.acme.ca_pem: cannot read " + path + ": " + e.getMessage());
        }
    }
}
