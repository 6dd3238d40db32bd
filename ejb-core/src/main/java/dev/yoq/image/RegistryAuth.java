package dev.yoq.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The two ways a registry lets yoq in: basic credentials, or a token from the realm its challenge names. */
final class RegistryAuth {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryAuth() {}

    static String basic(RegistryClient.Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Asks the challenge's realm for a token for {@code scope} (none when null; several separated by spaces, each
     * sent as its own {@code scope} parameter as Docker does), with basic credentials when
     * given; the answer is capped at 64 KiB. Returns the Authorization header value.
     */
    static String bearer(HttpClient http, BearerChallenge c, String scope, String registry, RegistryClient.Credentials creds)
            throws IOException, InterruptedException {
        return bearer(http, c, scope, registry, creds, java.util.Set.of());
    }

    /** As above; the realm must pass {@link RegistryTargets#checkHop} ({@code allowed}: the operator's). */
    static String bearer(HttpClient http, BearerChallenge c, String scope, String registry, RegistryClient.Credentials creds,
                         java.util.Set<String> allowed) throws IOException, InterruptedException {
        StringBuilder url = new StringBuilder(c.realm()).append(c.realm().contains("?") ? "&" : "?");
        if (scope != null) {
            for (String one : scope.split(" ")) url.append("scope=").append(URLEncoder.encode(one, StandardCharsets.UTF_8)).append('&');
        }
        if (c.service() != null) url.append("service=").append(URLEncoder.encode(c.service(), StandardCharsets.UTF_8));
        URI realm;
        try {
            realm = URI.create(url.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException("registry " + registry + " named a bad token realm: " + c.realm());
        }
        RegistryTargets.checkHop(realm, allowed);
        HttpRequest.Builder b = HttpRequest.newBuilder(realm).timeout(Duration.ofSeconds(30)).GET();
        if (creds != null) b.header("Authorization", basic(creds));
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] answer;
        try (InputStream in = r.body()) {
            answer = in.readNBytes((int) RegistryClient.MAX_AUTH + 1);
        }
        if (answer.length > RegistryClient.MAX_AUTH) throw new IOException("the token service of " + registry + " answered more than 64 KiB");
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new IOException(creds == null ? "registry " + registry + " wants credentials: run yoq login " + registry
                    : "registry " + registry + " refused the credentials (its token service answered " + r.statusCode() + ")");
        }
        if (r.statusCode() != 200) throw new IOException("the token service of " + registry + " answered " + r.statusCode());
        JsonNode json = JSON.readTree(answer);
        String token = json.path("token").asText(json.path("access_token").asText(""));
        if (token.isEmpty()) throw new IOException("the token service of " + registry + " gave no token");
        return "Bearer " + token;
    }
}
