package dev.yoq.edge;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * Obtains one certificate from an ACME CA (RFC 8555, through acme4j): registers or finds the account of the
 * given key, orders the domain, answers its HTTP-01 or DNS-01 challenge through the caller's {@link Challenges},
 * finalizes with a fresh EC P-256 key and downloads the chain. Plain Java (no container types), so it is tested
 * against a real CA (pebble) outside the server. Every wait is bounded by the request's timeout; every failure is
 * an {@link AcmeFailure} whose message names the step and the CA's own explanation.
 */
public final class AcmeIssuer {

    /** How the caller answers challenges: {@link Http01} or {@link Dns01}. */
    public sealed interface Challenges permits Http01, Dns01 {
        String type();
    }

    /** HTTP-01: serve {@code keyAuthorization} at {@code http://DOMAIN/.well-known/acme-challenge/TOKEN} until cleanup. */
    public non-sealed interface Http01 extends Challenges {
        void present(String token, String keyAuthorization) throws IOException, InterruptedException;

        void cleanup(String token);

        @Override
        default String type() {
            return "http-01";
        }
    }

    /** DNS-01: publish TXT {@code value} at {@code recordName} (with its final dot) until cleanup. */
    public non-sealed interface Dns01 extends Challenges {
        void present(String recordName, String value) throws IOException, InterruptedException;

        void cleanup(String recordName, String value);

        @Override
        default String type() {
            return "dns-01";
        }
    }

    /**
     * One issuance. {@code extraCaPem}: CAs trusted, besides the JDK's, for the ACME server's own TLS (null: none);
     * {@code accountKey}: the account's pair, kept by the caller; {@code timeout}: for the whole exchange.
     */
    public record Request(URI directory, String extraCaPem, KeyPair accountKey, String email, String domain, Challenges challenges,
                          Duration timeout) {
        @Override
        public String toString() {
            return "Request[directory=" + directory + ", email=" + email + ", domain=" + domain + ", challenge=" + challenges.type() + "]";
        }
    }

    /** The certificate: chain PEM (leaf first), its PKCS#8 key PEM, the leaf's expiry (epoch seconds), the account's URL. */
    public record Issued(String certPem, String keyPem, long notAfter, String accountUrl) {
        /** Without the key: a result may be logged. */
        @Override
        public String toString() {
            return "Issued[notAfter=" + notAfter + ", accountUrl=" + accountUrl + "]";
        }
    }

    /** An issuance that did not succeed; {@link #unreachable()} when the CA could not be talked to at all. */
    public static final class AcmeFailure extends Exception {
        private final boolean unreachable;

        AcmeFailure(String message, boolean unreachable, Throwable cause) {
            super(message, cause);
            this.unreachable = unreachable;
        }

        public boolean unreachable() {
            return unreachable;
        }
    }

    /** Connection and read timeout of each HTTP exchange with the CA (the request's timeout bounds the whole). */
    static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    private AcmeIssuer() {}

    /** Runs the whole issuance; see the class comment. */
    public static Issued issue(Request r) throws AcmeFailure, InterruptedException {
        Instant deadline = Instant.now().plus(r.timeout());
        Session session = session(r);
        Account account = account(session, r);
        String prefix = "ACME order for " + r.domain() + ": ";
        Order order = call(prefix + "cannot create the order", () -> account.newOrder().domain(r.domain()).create());
        for (Authorization auth : order.getAuthorizations()) {
            if (auth.getStatus() != Status.VALID) authorize(auth, r, prefix, deadline);
        }
        return finish(order, r, prefix, deadline, account.getLocation().toString());
    }

    private static Session session(Request r) throws AcmeFailure {
        Session session;
        try {
            session = new Session(r.directory(), new AcmeTrust.Provider(AcmeTrust.sslContext(r.extraCaPem())));
        } catch (IllegalArgumentException e) {
            throw new AcmeFailure("ACME directory " + r.directory() + ": " + e.getMessage(), false, e);
        }
        session.networkSettings().setTimeout(HTTP_TIMEOUT);
        try {
            session.getMetadata();   // reads the directory: the first contact, so an unreachable CA is named here
        } catch (AcmeNetworkException e) {
            throw new AcmeFailure("cannot reach ACME directory " + r.directory() + ": " + describe(e), true, e);
        } catch (AcmeException | RuntimeException e) {
            throw new AcmeFailure("cannot read ACME directory " + r.directory() + ": " + describe(e), true, e);
        }
        return session;
    }

    /** The account of the key: created on first use, found afterwards (the CA knows it by its public key). */
    private static Account account(Session session, Request r) throws AcmeFailure, InterruptedException {
        // agreeing to the CA's terms is part of asking it for a certificate; docs/certificates.md says so
        return call("ACME account " + r.email() + " at " + r.directory(), () -> new AccountBuilder().addEmail(r.email())
                .agreeToTermsOfService().useKeyPair(r.accountKey()).create(session));
    }

    private static void authorize(Authorization auth, Request r, String prefix, Instant deadline) throws AcmeFailure, InterruptedException {
        String type = r.challenges().type();
        Challenge challenge = auth.findChallenge(type).orElseThrow(() -> new AcmeFailure(prefix + "the CA offers no " + type
                + " challenge for " + auth.getIdentifier().getDomain() + " (it offers " + offered(auth) + ")", false, null));
        Runnable cleanup = present(challenge, auth, r.challenges(), prefix);
        try {
            call(prefix + "cannot start the " + type + " challenge", () -> {
                challenge.trigger();
                return null;
            });
            Status status = waitFor(prefix, type + " challenge", deadline, () -> challenge.waitForCompletion(remaining(deadline)));
            if (status != Status.VALID) {
                throw new AcmeFailure(prefix + "challenge " + type + " invalid: " + problem(challenge.getError().orElse(null)), false, null);
            }
        } finally {
            cleanup.run();
        }
    }

    /**
     * Hands the challenge's answer to the caller; returns how to take it down again. A present that fails is
     * cleaned up at once: a hook may have published half of what it was asked to.
     */
    private static Runnable present(Challenge challenge, Authorization auth, Challenges answers, String prefix)
            throws AcmeFailure, InterruptedException {
        Runnable cleanup;
        try {
            if (challenge instanceof Http01Challenge http && answers instanceof Http01 h) {
                cleanup = () -> h.cleanup(http.getToken());
                presentOrClean(() -> h.present(http.getToken(), http.getAuthorization()), cleanup);
                return cleanup;
            }
            if (challenge instanceof Dns01Challenge dns && answers instanceof Dns01 d) {
                String name = dns.getRRName(auth.getIdentifier());
                cleanup = () -> d.cleanup(name, dns.getDigest());
                presentOrClean(() -> d.present(name, dns.getDigest()), cleanup);
                return cleanup;
            }
        } catch (IOException e) {
            throw new AcmeFailure(prefix + "cannot present the " + answers.type() + " answer: " + e.getMessage(), false, e);
        }
        throw new AcmeFailure(prefix + "unexpected challenge " + challenge.getType(), false, null);
    }

    @FunctionalInterface
    private interface Present {
        void run() throws IOException, InterruptedException;
    }

    private static void presentOrClean(Present present, Runnable cleanup) throws IOException, InterruptedException {
        try {
            present.run();
        } catch (IOException | InterruptedException | RuntimeException e) {
            cleanup.run();
            throw e;
        }
    }

    private static Issued finish(Order order, Request r, String prefix, Instant deadline, String accountUrl)
            throws AcmeFailure, InterruptedException {
        Status ready = waitFor(prefix, "the order to be ready", deadline, () -> order.waitUntilReady(remaining(deadline)));
        if (ready != Status.READY) throw new AcmeFailure(prefix + "the order is " + name(ready) + ": " + problem(order.getError().orElse(null)), false, null);
        KeyPair domainKey = AcmeKeys.generate();
        call(prefix + "finalizing failed", () -> {
            order.execute(domainKey);
            return null;
        });
        Status done = waitFor(prefix, "the certificate", deadline, () -> order.waitForCompletion(remaining(deadline)));
        if (done != Status.VALID) throw new AcmeFailure(prefix + "the order is " + name(done) + ": " + problem(order.getError().orElse(null)), false, null);
        Certificate cert = order.getCertificate();
        call(prefix + "cannot download the certificate", () -> {
            cert.download();
            return null;
        });
        List<X509Certificate> chain = cert.getCertificateChain();
        return new Issued(chainPem(chain), AcmeKeys.privateKeyPem(domainKey), chain.get(0).getNotAfter().toInstant().getEpochSecond(), accountUrl);
    }

    @FunctionalInterface
    private interface AcmeCall<T> {
        T run() throws AcmeException, InterruptedException;
    }

    /** Runs one exchange, naming {@code step} in the failure. */
    private static <T> T call(String step, AcmeCall<T> call) throws AcmeFailure, InterruptedException {
        try {
            return call.run();
        } catch (AcmeNetworkException e) {
            throw new AcmeFailure(step + ": the CA did not answer: " + describe(e), true, e);
        } catch (AcmeException | RuntimeException e) {
            throw new AcmeFailure(step + ": " + describe(e), false, e);
        }
    }

    /** Polls until a final status, telling a timeout (the request's deadline passed) from other failures. */
    private static Status waitFor(String prefix, String what, Instant deadline, AcmeCall<Status> wait) throws AcmeFailure, InterruptedException {
        try {
            return call(prefix + "waiting for " + what, wait);
        } catch (AcmeFailure e) {
            if (!Instant.now().isBefore(deadline) || String.valueOf(e.getCause() == null ? null : e.getCause().getMessage()).contains("Timeout")) {
                throw new AcmeFailure(prefix + "timed out waiting for " + what, false, e.getCause());
            }
            throw e;
        }
    }

    private static Duration remaining(Instant deadline) throws AcmeException {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) throw new AcmeException("Timeout has been reached");
        return left;
    }

    static String chainPem(List<X509Certificate> chain) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                pem.append(AcmeKeys.pem("CERTIFICATE", c.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode the issued certificate: " + e.getMessage(), e);
            }
        }
        return pem.toString();
    }

    private static String offered(Authorization auth) {
        return auth.getChallenges().stream().map(Challenge::getType).collect(Collectors.joining(", "));
    }

    private static String name(Status s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The CA's explanation: its detail, else its title, else its type URN. */
    static String problem(Problem p) {
        if (p == null) return "the CA gave no reason";
        String text = p.getDetail().or(p::getTitle).orElse(p.getType().toString());
        List<Problem> sub = p.getSubProblems();
        return sub.isEmpty() ? text : text + " (" + sub.stream().map(AcmeIssuer::problem).collect(Collectors.joining("; ")) + ")";
    }

    /**
     * The CA's problem when it sent one; else the first non-acme4j cause (what the network or TLS did) with the
     * first message found from there down: acme4j's own wrappers only say "Network error".
     */
    static String describe(Throwable e) {
        if (e instanceof AcmeServerException s && s.getProblem() != null) return problem(s.getProblem());
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c && c.getClass().getName().startsWith("org.shredzone.")) c = c.getCause();
        String kind = c == e ? null : kind(c);
        String message = null;
        for (Throwable m = c; m != null && message == null; m = m.getCause() == m ? null : m.getCause()) {
            if (m.getMessage() != null && !m.getMessage().isBlank()) message = m.getMessage();
        }
        if (c instanceof java.net.ConnectException && message == null) message = "nothing listening, or the host is unreachable";
        if (kind == null) return message == null ? "error" : message;
        return message == null ? kind : kind + ": " + message;
    }

    /** What kind of failure, in words (an API answer never names Java classes). */
    static String kind(Throwable c) {
        if (c instanceof java.net.ConnectException) return "connection refused";
        if (c instanceof javax.net.ssl.SSLHandshakeException) return "TLS handshake failed";
        if (c instanceof javax.net.ssl.SSLException) return "TLS error";
        if (c instanceof java.net.UnknownHostException) return "unknown host";
        if (c instanceof java.net.http.HttpTimeoutException || c instanceof java.net.SocketTimeoutException) return "timed out";
        return "network error";
    }
}
