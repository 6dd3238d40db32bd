package dev.yoq.edge;

import java.util.List;

/**
 * What {@code cert provision} / {@code cert renew} ask for (the API body, §1.7's flags): every field optional
 * (null when not given); {@link AcmeConfig#resolve} fills the rest. {@link #check()} holds the rules that need
 * no server, so the CLI's preflight and the server refuse exactly the same requests with the same words.
 */
public record AcmeRequest(String email, Boolean staging, String directoryUrl, String challenge, String dnsProvider,
                          List<String> dnsHook, Long propagationTimeoutSecs, Long pollIntervalSecs,
                          java.util.Map<String, String> dnsSecrets) {
    public static final String HTTP_01 = "http-01", DNS_01 = "dns-01", EXEC = "exec";
    public static final List<String> PROVIDERS = List.of("cloudflare", "route53", "gcloud", EXEC);
    /** §3.8: intervals are 1 .. 2^32-1 seconds. */
    public static final long MAX_SECS = 4_294_967_295L;
    public static final AcmeRequest NONE = new AcmeRequest(null, null, null, null, null, null, null, null);

    public AcmeRequest {
        dnsHook = dnsHook == null ? null : List.copyOf(dnsHook);
        dnsSecrets = dnsSecrets == null ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(dnsSecrets));
    }

    /** Without DNS secrets. */
    public AcmeRequest(String email, Boolean staging, String directoryUrl, String challenge, String dnsProvider,
                       List<String> dnsHook, Long propagationTimeoutSecs, Long pollIntervalSecs) {
        this(email, staging, directoryUrl, challenge, dnsProvider, dnsHook, propagationTimeoutSecs, pollIntervalSecs, null);
    }

    /** A DNS secret's variable: a shell name the hook's own {@code YOQ_ACME_*} cannot be shadowed by. */
    static final java.util.regex.Pattern SECRET_VAR = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /**
     * What a manifest's {@code [service.*.tls.acme]} asks for (the snapshot has the directory resolved already); the
     * DNS secrets are {@code key = secret name} pairs, given to the exec hook as variables.
     */
    public static AcmeRequest fromManifest(dev.yoq.manifest.Manifest.Acme a) {
        dev.yoq.manifest.Manifest.AcmeDns d = a.dns();
        if (d == null) return new AcmeRequest(a.email(), null, a.directoryUrl(), a.challenge(), null, null, null, null);
        java.util.Map<String, String> secrets = new java.util.TreeMap<>();
        d.secrets().forEach(kv -> secrets.put(kv.key(), kv.value()));
        return new AcmeRequest(a.email(), null, a.directoryUrl(), a.challenge(), d.provider(), d.hook().isEmpty() ? null : d.hook(),
                d.propagationTimeoutSecs(), d.pollIntervalSecs(), secrets.isEmpty() ? null : secrets);
    }

    /** Refuses what no server could run; an {@link IllegalArgumentException} saying what is wrong. */
    public AcmeRequest check() {
        if (Boolean.TRUE.equals(staging) && directoryUrl != null) throw bad("set either staging or directory_url, not both");
        if (directoryUrl != null) checkUrl(directoryUrl);
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) throw bad("email: not an email address: " + email);
        if (challenge != null && !challenge.equals(HTTP_01) && !challenge.equals(DNS_01)) {
            throw bad("challenge: must be http-01 or dns-01, got " + challenge);
        }
        if (dnsProvider != null && !PROVIDERS.contains(dnsProvider)) {
            throw bad("unknown dns provider " + dnsProvider + ": cloudflare, route53, gcloud or exec");
        }
        if (HTTP_01.equals(challenge) && (dnsProvider != null || dnsHook != null)) {
            throw bad("the dns provider settings are only used with the dns-01 challenge");
        }
        if (EXEC.equals(dnsProvider) && (dnsHook == null || dnsHook.isEmpty())) {
            throw bad("the exec dns provider needs a hook command (dns_hook)");
        }
        if (dnsHook != null && dnsHook.stream().anyMatch(a -> a == null || a.isEmpty())) throw bad("dns_hook: an argument is empty");
        checkSecs("dns_propagation_timeout_secs", propagationTimeoutSecs);
        checkSecs("dns_poll_interval_secs", pollIntervalSecs);
        if (dnsSecrets != null && !dnsSecrets.isEmpty()) {
            if (HTTP_01.equals(challenge)) throw bad("the dns provider settings are only used with the dns-01 challenge");
            dnsSecrets.forEach((k, name) -> {
                if (!SECRET_VAR.matcher(k).matches() || k.startsWith("YOQ_ACME_")) {
                    throw bad("dns_secrets: " + k + " is not a variable name a hook can be given (A-Z a-z 0-9 _, not YOQ_ACME_*)");
                }
                if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) throw bad("dns_secrets: " + k + ": '" + name + "' is not a secret name");
            });
        }
        return this;
    }

    /** An absolute http(s) URL; the ACME server's directory. */
    static void checkUrl(String url) {
        try {
            java.net.URI u = java.net.URI.create(url);
            if ((u.getScheme() == null || !u.getScheme().matches("https?")) || u.getHost() == null) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw bad("directory_url: not an http(s) URL: " + url);
        }
    }

    private static void checkSecs(String name, Long value) {
        if (value != null && (value < 1 || value > MAX_SECS)) throw bad(name + ": must be 1-" + MAX_SECS + ", got " + value);
    }

    static IllegalArgumentException bad(String message) {
        return new IllegalArgumentException(message);
    }
}
