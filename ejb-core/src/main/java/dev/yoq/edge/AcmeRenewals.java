package dev.yoq.edge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When ACME certificates are renewed (§3.8: checked every 12 h, renewed within 30 days of expiry), and how a
 * failing renewal backs off: 1 h after the first failure, doubling up to 12 h, so a CA that refuses is not asked
 * at every check but a fixed DNS hook is retried within the hour. Pure: the clock is a parameter.
 */
public final class AcmeRenewals {
    public static final long CHECK_MS = 12 * 3_600_000L;
    public static final long FIRST_CHECK_MS = 5 * 60_000L;
    public static final long RENEW_WITHIN_SECS = 30 * 86_400L;
    static final long FIRST_BACKOFF_MS = 3_600_000L, MAX_BACKOFF_MS = 12 * 3_600_000L;

    private AcmeRenewals() {}

    /** The last renewal failure of a domain: why, when (epoch ms), and when it is tried again. */
    public record Failure(String message, long failedAtMs, long retryAtMs, long backoffMs) {}

    /**
     * The domains to renew now: ACME certificates with stored settings, expiring within 30 days, whose backoff
     * (if they failed before) has passed. In the order given.
     */
    public static List<String> due(Collection<CertificateService.Summary> certificates, Set<String> managed, Map<String, Failure> failures,
                                   long nowMs) {
        List<String> due = new ArrayList<>();
        for (CertificateService.Summary c : certificates) {
            if (!dev.yoq.model.CertificateRecord.ACME.equals(c.source()) || !managed.contains(c.domain())) continue;
            if (c.notAfter() - nowMs / 1000 > RENEW_WITHIN_SECS) continue;
            Failure f = failures.get(c.domain());
            if (f == null || nowMs >= f.retryAtMs()) due.add(c.domain());
        }
        return due;
    }

    /** The failure after {@code previous} (null for a first one): the wait doubles from 1 h up to 12 h. */
    public static Failure failed(Failure previous, String message, long nowMs) {
        long backoff = previous == null ? FIRST_BACKOFF_MS : Math.min(previous.backoffMs() * 2, MAX_BACKOFF_MS);
        return new Failure(message, nowMs, nowMs + backoff, backoff);
    }
}
