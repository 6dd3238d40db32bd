package dev.yoq.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token service for the registry's {@code auth.token} mode (the part Docker Hub's auth.docker.io plays): a
 * self-signed certificate (openssl) whose key signs RS256 JWTs carrying an {@code x5c} header and the granted
 * {@code access}. Grants whatever is asked to one user with the right password; anyone else gets 401.
 */
final class TokenIssuer implements AutoCloseable {
    static final String SERVICE = "yoq-test-registry";
    static final String ISSUER = "yoq-test-issuer";
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path certificate;
    final AtomicInteger tokensIssued = new AtomicInteger();
    private final HttpServer server;
    private final PrivateKey key;
    private final String certDer;

    TokenIssuer(Path dir, String user, String password) throws Exception {
        certificate = dir.resolve("issuer.pem");
        Path keyFile = dir.resolve("issuer.key");
        RegistryFixture.run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + ISSUER,
                "-keyout", keyFile.toString(), "-out", certificate.toString());
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(Files.readString(keyFile), "PRIVATE KEY")));
        certDer = Base64.getEncoder().encodeToString(pem(Files.readString(certificate), "CERTIFICATE"));
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", ex -> {
            byte[] body;
            int status;
            if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                body = "{\"details\":\"wrong or missing credentials\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                body = answer(query(ex.getRequestURI().getRawQuery()), user);
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    String realm() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/token"; }

    private byte[] answer(Map<String, java.util.List<String>> q, String user) {
        try {
            long now = System.currentTimeMillis() / 1000;
            ObjectNode claims = JSON.createObjectNode().put("iss", ISSUER).put("sub", user).put("aud", SERVICE)
                    .put("exp", now + 300).put("nbf", now - 10).put("iat", now).put("jti", Long.toHexString(System.nanoTime()));
            var access = claims.putArray("access");
            for (String scope : q.getOrDefault("scope", java.util.List.of())) {
                String[] parts = scope.split(":");   // repository:name:pull,push
                var entry = access.addObject().put("type", parts[0]).put("name", parts[1]);
                var actions = entry.putArray("actions");
                for (String a : parts[2].split(",")) actions.add(a);
            }
            ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
            header.putArray("x5c").add(certDer);
            String signingInput = b64(JSON.writeValueAsBytes(header)) + "." + b64(JSON.writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            tokensIssued.incrementAndGet();
            String token = signingInput + "." + b64(rsa.sign());
            return JSON.writeValueAsBytes(JSON.createObjectNode().put("token", token).put("expires_in", 300));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, java.util.List<String>> query(String raw) {
        Map<String, java.util.List<String>> out = new HashMap<>();
        if (raw == null) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.computeIfAbsent(pair.substring(0, eq), k -> new java.util.ArrayList<>())
                    .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String b64(byte[] b) { return Base64.getUrlEncoder().withoutPadding().encodeToString(b); }

    private static byte[] pem(String text, String type) {
        String body = text.substring(text.indexOf("-----BEGIN " + type + "-----") + 16 + type.length(), text.indexOf("-----END " + type + "-----"));
        return Base64.getMimeDecoder().decode(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
