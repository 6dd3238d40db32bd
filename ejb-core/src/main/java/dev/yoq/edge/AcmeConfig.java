package dev.yoq.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The complete ACME settings of one domain: what it is obtained and renewed with, stored as JSON in
 * {@code certificate_acme_config}. The DNS fields are null unless {@code challenge} is dns-01 (what
 * {@code cert list} shows).
 */
public record AcmeConfig(String email, String directoryUrl, String challenge, String provider, List<String> hook,
                         Long propagationTimeoutSecs, Long pollIntervalSecs, java.util.Map<String, String> secrets) {
    /** §3.8's defaults. */
    public static final long PROPAGATION_SECS = 300, POLL_SECS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    public AcmeConfig {
        hook = hook == null ? null : List.copyOf(hook);
        secrets = secrets == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(secrets));
    }

    /** Without DNS secrets (variable → secret name, given to the exec hook). */
    public AcmeConfig(String email, String directoryUrl, String challenge, String provider, List<String> hook,
                      Long propagationTimeoutSecs, Long pollIntervalSecs) {
        this(email, directoryUrl, challenge, provider, hook, propagationTimeoutSecs, pollIntervalSecs, null);
    }

    public boolean dns() {
        return AcmeRequest.DNS_01.equals(challenge);
    }

    /**
     * The request's fields, else the stored settings' ({@code base}, null for a first order), else the server's
     * defaults; the email falls back to {@code admin@<domain>} at last (§1.7). Refused (IllegalArgumentException)
     * when the result cannot work, e.g. dns-01 without a provider or a wildcard over http-01.
     */
    public static AcmeConfig resolve(String domain, AcmeRequest req, AcmeConfig base, String defaultDirectory, String defaultEmail) {
        req.check();
        String email = first(req.email(), base == null ? null : base.email(), defaultEmail, "admin@" + (domain.startsWith("*.") ? domain.substring(2) : domain));
        String directory = first(req.directoryUrl(), Boolean.TRUE.equals(req.staging()) ? dev.yoq.server.ServerSettings.Acme.LETS_ENCRYPT_STAGING : null,
                base == null ? null : base.directoryUrl(), defaultDirectory);
        String challenge = first(req.challenge(), req.dnsProvider() != null ? AcmeRequest.DNS_01 : null, base == null ? null : base.challenge(),
                AcmeRequest.HTTP_01);
        if (!challenge.equals(AcmeRequest.DNS_01)) {
            if (domain.startsWith("*.")) throw AcmeRequest.bad("a wildcard certificate needs the dns-01 challenge (and a dns provider)");
            if (req.dnsSecrets() != null && !req.dnsSecrets().isEmpty()) {   // else they would be dropped without a word
                throw AcmeRequest.bad("dns_secrets are given to the exec DNS hook of the dns-01 challenge, and this order uses " + challenge);
            }
            return new AcmeConfig(email, directory, challenge, null, null, null, null);
        }
        boolean baseDns = base != null && base.dns();
        String provider = first(req.dnsProvider(), baseDns ? base.provider() : null);
        if (provider == null) throw AcmeRequest.bad("the dns-01 challenge needs a dns provider (cloudflare, route53, gcloud or exec)");
        List<String> hook = req.dnsHook() != null ? req.dnsHook() : baseDns ? base.hook() : null;
        if (provider.equals(AcmeRequest.EXEC) && (hook == null || hook.isEmpty())) throw AcmeRequest.bad("the exec dns provider needs a hook command (dns_hook)");
        Long propagation = first(req.propagationTimeoutSecs(), baseDns ? base.propagationTimeoutSecs() : null, PROPAGATION_SECS);
        Long poll = first(req.pollIntervalSecs(), baseDns ? base.pollIntervalSecs() : null, POLL_SECS);
        java.util.Map<String, String> secrets = req.dnsSecrets() != null ? req.dnsSecrets() : baseDns ? base.secrets() : null;
        return new AcmeConfig(email, directory, challenge, provider, hook, propagation, poll, secrets);
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) if (v != null) return v;
        return null;
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode().put("email", email).put("directory_url", directoryUrl).put("challenge", challenge)
                .put("provider", provider);
        if (hook == null) o.putNull("hook");
        else hook.forEach(o.putArray("hook")::add);
        o.put("propagation_timeout_secs", propagationTimeoutSecs).put("poll_interval_secs", pollIntervalSecs);
        if (!secrets.isEmpty()) secrets.forEach(o.putObject("secrets")::put);   // names only: the values stay in the store
        return o.toString();
    }

    /** What {@link #toJson()} wrote; an IllegalArgumentException for anything else. */
    public static AcmeConfig fromJson(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            List<String> hook = null;
            if (o.path("hook").isArray()) {
                hook = new ArrayList<>();
                for (JsonNode a : o.get("hook")) hook.add(a.asText());
            }
            java.util.Map<String, String> secrets = new java.util.TreeMap<>();
            o.path("secrets").fields().forEachRemaining(e -> secrets.put(e.getKey(), e.getValue().asText()));
            return new AcmeConfig(text(o, "email"), text(o, "directory_url"), text(o, "challenge"), text(o, "provider"), hook,
                    number(o, "propagation_timeout_secs"), number(o, "poll_interval_secs"), secrets);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("stored ACME settings are not readable: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long number(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : v.asLong();
    }
}
