package dev.yoq.cli;

import dev.yoq.edge.AcmeRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The ACME flags of {@code cert provision} and {@code cert renew} (§1.7), checked locally before the server is
 * contacted (provider keys, secrets, hook, intervals), and turned into the API body. Only given flags are sent:
 * the server fills the rest (renew: from the certificate's stored settings).
 */
final class CertAcmeOptions {
    /** §3.8's provider keys: the secrets and config each DNS provider needs. */
    static final Map<String, List<String>> SECRETS = Map.of("cloudflare", List.of("api_token"),
            "route53", List.of("access_key_id", "secret_access_key"), "gcloud", List.of("access_token"));
    static final Map<String, List<String>> CONFIG = Map.of("cloudflare", List.of("zone_id"),
            "route53", List.of("hosted_zone_id"), "gcloud", List.of("project", "managed_zone"));

    @Option(names = "--email", paramLabel = "E", description = "ACME account email (default: $YOQ_ACME_EMAIL for provision, else the "
            + "server's yoq.acme.email, else admin@DOMAIN)")
    String email;

    @Option(names = "--staging", description = "use Let's Encrypt's staging directory (test certificates, high rate limits)")
    boolean staging;

    @Option(names = "--dns-provider", paramLabel = "P", description = "DNS-01 with this provider: cloudflare, route53, gcloud or exec "
            + "(only exec is built)")
    String dnsProvider;

    @Option(names = "--dns-secret", paramLabel = "k=secretname", description = "a provider credential from yoq's secret store")
    List<String> dnsSecrets = new ArrayList<>();

    @Option(names = "--dns-config", paramLabel = "k=v", description = "a provider setting")
    List<String> dnsConfig = new ArrayList<>();

    @Option(names = "--dns-hook", paramLabel = "PATH", description = "exec provider: the command that publishes and removes the TXT record")
    String dnsHook;

    @Option(names = "--dns-hook-arg", paramLabel = "A", description = "an argument for the hook (repeatable; the action comes last)")
    List<String> dnsHookArgs = new ArrayList<>();

    @Option(names = "--dns-propagation-timeout-secs", paramLabel = "N", description = "most seconds to wait for the record to propagate (default 300)")
    Long propagationTimeoutSecs;

    @Option(names = "--dns-poll-interval-secs", paramLabel = "N", description = "seconds between propagation checks (default 5)")
    Long pollIntervalSecs;

    /**
     * The checked request, {@code defaultEmail} standing in for a missing --email; a {@link CliException} naming the
     * flag when something cannot work.
     */
    AcmeRequest preflight(String defaultEmail) {
        boolean dnsFlags = !dnsSecrets.isEmpty() || !dnsConfig.isEmpty() || dnsHook != null || !dnsHookArgs.isEmpty()
                || propagationTimeoutSecs != null || pollIntervalSecs != null;
        if (dnsProvider == null && dnsFlags) throw new CliException("the --dns-* options need --dns-provider (DNS-01)");
        if (dnsProvider != null && !AcmeRequest.PROVIDERS.contains(dnsProvider)) {
            throw new CliException("unknown dns provider " + dnsProvider + ": cloudflare, route53, gcloud or exec");
        }
        Map<String, String> secrets = pairs("--dns-secret", dnsSecrets), config = pairs("--dns-config", dnsConfig);
        if (dnsProvider != null) providerKeys(secrets, config);
        checkSecs("--dns-propagation-timeout-secs", propagationTimeoutSecs);
        checkSecs("--dns-poll-interval-secs", pollIntervalSecs);
        try {
            return request(defaultEmail).check();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    private AcmeRequest request(String defaultEmail) {
        List<String> hook = null;
        if (dnsHook != null) {
            hook = new ArrayList<>(List.of(dnsHook));
            hook.addAll(dnsHookArgs);
        }
        Map<String, String> secrets = pairs("--dns-secret", dnsSecrets);
        return new AcmeRequest(email != null ? email : defaultEmail, staging ? Boolean.TRUE : null, null, dnsProvider != null ? AcmeRequest.DNS_01 : null,
                dnsProvider, hook, propagationTimeoutSecs, pollIntervalSecs, secrets.isEmpty() ? null : secrets);
    }

    /** The API body: only the fields given. */
    static Map<String, Object> body(AcmeRequest r) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (r.email() != null) body.put("email", r.email());
        if (r.staging() != null) body.put("staging", r.staging());
        if (r.challenge() != null) body.put("challenge", r.challenge());
        if (r.dnsProvider() != null) body.put("dns_provider", r.dnsProvider());
        if (r.dnsHook() != null) body.put("dns_hook", r.dnsHook());
        if (r.propagationTimeoutSecs() != null) body.put("dns_propagation_timeout_secs", r.propagationTimeoutSecs());
        if (r.pollIntervalSecs() != null) body.put("dns_poll_interval_secs", r.pollIntervalSecs());
        if (r.dnsSecrets() != null) body.put("dns_secrets", r.dnsSecrets());
        return body;
    }

    /** What the provider needs (§3.8). */
    private void providerKeys(Map<String, String> secrets, Map<String, String> config) {
        if (dnsProvider.equals(AcmeRequest.EXEC)) {
            if (dnsHook == null) throw new CliException("the exec dns provider needs --dns-hook PATH");
            return;   // its --dns-secret pairs become the hook's variables, the values from the secret store
        }
        if (dnsHook != null || !dnsHookArgs.isEmpty()) throw new CliException("--dns-hook is only used with --dns-provider exec");
        for (String k : SECRETS.get(dnsProvider)) {
            if (!secrets.containsKey(k)) throw new CliException("dns provider " + dnsProvider + " needs --dns-secret " + k + "=SECRETNAME");
        }
        for (String k : CONFIG.get(dnsProvider)) {
            if (!config.containsKey(k)) throw new CliException("dns provider " + dnsProvider + " needs --dns-config " + k + "=VALUE");
        }
    }

    /** {@code key=value} entries, {@code =} neither first nor last (§3.8). */
    private static Map<String, String> pairs(String flag, List<String> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) throw new CliException(flag + ": expected key=value, got '" + e + "'");
            out.put(e.substring(0, eq), e.substring(eq + 1));
        }
        return out;
    }

    private static void checkSecs(String flag, Long value) {
        if (value != null && (value < 1 || value > AcmeRequest.MAX_SECS)) {
            throw new CliException(flag + ": must be 1-" + AcmeRequest.MAX_SECS + ", got " + value);
        }
    }
}
