package dev.yoq.api.edge;

import dev.yoq.edge.AcmeRequest;
import dev.yoq.edge.CertificateStoreException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /v1/certificates/{domain}/provision|renew}: {@code {"email","staging","directory_url",
 * "challenge","dns_provider","dns_hook":[...],"dns_propagation_timeout_secs","dns_poll_interval_secs","dns_secrets":{VAR:name}}}, every
 * field optional (absent or null: not given). Types are checked here, values by {@link AcmeRequest#check()}; both
 * refusals are INVALID (400) naming the field. Unknown fields are refused too: a misspelt one must not be ignored.
 */
final class AcmeBody {
    static final Set<String> FIELDS = Set.of("email", "staging", "directory_url", "challenge", "dns_provider", "dns_hook",
            "dns_propagation_timeout_secs", "dns_poll_interval_secs", "dns_secrets");

    private AcmeBody() {}

    static AcmeRequest parse(JsonObject o) {
        for (String key : o.keySet()) {
            if (!FIELDS.contains(key)) throw invalid("unknown field " + key + " (known: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
        }
        AcmeRequest r = new AcmeRequest(text(o, "email"), bool(o, "staging"), text(o, "directory_url"), text(o, "challenge"),
                text(o, "dns_provider"), strings(o, "dns_hook"), whole(o, "dns_propagation_timeout_secs"), whole(o, "dns_poll_interval_secs"),
                names(o, "dns_secrets"));
        try {
            return r.check();
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static boolean absent(JsonValue v) {
        return v == null || v == JsonValue.NULL;
    }

    private static String text(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (absent(v)) return null;
        if (v instanceof JsonString s) return s.getString().strip();
        throw invalid(key + " must be a string");
    }

    private static Boolean bool(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (absent(v)) return null;
        if (v == JsonValue.TRUE || v == JsonValue.FALSE) return v == JsonValue.TRUE;
        throw invalid(key + " must be true or false");
    }

    private static Long whole(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (absent(v)) return null;
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.bigIntegerValueExact().longValueExact();
            } catch (ArithmeticException tooLarge) {
                throw invalid(key + ": must be 1-" + AcmeRequest.MAX_SECS + ", got " + n);
            }
        }
        throw invalid(key + " must be a whole number of seconds");
    }

    /** {@code {"VAR": "secret-name", ...}}: names only, never a value. */
    private static java.util.Map<String, String> names(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (absent(v)) return null;
        if (!(v instanceof JsonObject m)) throw invalid(key + " must be an object of variable: secret name");
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        m.forEach((k, item) -> {
            if (!(item instanceof JsonString s)) throw invalid(key + "." + k + " must be a secret's name");
            out.put(k, s.getString());
        });
        return out;
    }

    private static List<String> strings(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (absent(v)) return null;
        if (!(v instanceof JsonArray a)) throw invalid(key + " must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonValue item : a) {
            if (!(item instanceof JsonString s)) throw invalid(key + " must be an array of strings");
            out.add(s.getString());
        }
        return out;
    }

    private static CertificateStoreException invalid(String message) {
        return new CertificateStoreException(CertificateStoreException.Kind.INVALID, message);
    }
}
