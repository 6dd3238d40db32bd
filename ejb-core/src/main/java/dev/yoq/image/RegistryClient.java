package dev.yoq.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Pulls images over the OCI distribution protocol: manifests (all four media types; an index resolves to the
 * configured platform), then config and layers, at most 4 at a time, each verified against its digest while it
 * streams into the {@link BlobStore}; blobs already stored are not fetched again. Auth: anonymous, HTTP basic,
 * and the bearer token flow (401 with {@code WWW-Authenticate: Bearer realm,service,scope} → token → retry).
 * Plain HTTP only where {@link RegistrySettings} allows it. Caps (spec §6.3): manifest 10 MiB, blob
 * 512 MiB, auth answer 64 KiB, refused before reading past them.
 */
public final class RegistryClient {
    public static final long MAX_MANIFEST = 10L << 20;
    public static final long MAX_BLOB = 512L << 20;
    public static final long MAX_AUTH = 64L << 10;
    public static final int PARALLEL = 4;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    public record Credentials(String username, String password) {}

    public record Pulled(ImageReference reference, String manifestDigest, String configDigest,
                         List<Manifests.Descriptor> layers, long totalSize, int blobsFetched) {}

    private final HttpClient http;
    private final Function<String, Credentials> credentials;
    private final RegistrySettings settings;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    public RegistryClient(Function<String, Credentials> credentials, RegistrySettings settings) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();   // followed by send(), each hop checked
        this.credentials = credentials;
        this.settings = settings;
    }

    /** Checks credentials against the registry's API root ({@code GET /v2/}), answering its challenge. */
    public void login(String registry) throws IOException, InterruptedException {
        ImageReference probe = new ImageReference(registry, "v2-root", "latest", null);   // only its registry matters
        URI uri = URI.create(settings.base(probe) + "/v2/");
        HttpResponse<InputStream> r = http.send(request(uri, null, null), HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        if (r.statusCode() == 200) return;
        if (r.statusCode() != 401) throw new IOException("registry " + registry + " answered " + r.statusCode() + " at /v2/");
        BearerChallenge challenge = BearerChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
        Credentials creds = credentials.apply(registry);
        if (creds == null) throw new IOException("no credentials for " + registry);
        String auth = challenge.bearer() ? RegistryAuth.bearer(http, challenge, challenge.scope(), registry, creds, settings.allowed())
                : RegistryAuth.basic(creds);
        HttpResponse<InputStream> again = http.send(request(uri, null, auth), HttpResponse.BodyHandlers.ofInputStream());
        again.body().close();
        if (again.statusCode() != 200) throw new IOException("registry " + registry + " refused the credentials");
    }

    /** The repository's tags ({@code GET /v2/<name>/tags/list}), following the registry's {@code Link} pages. */
    public List<String> tags(ImageReference ref) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        String path = "/tags/list?n=1000";
        for (int page = 0; path != null && page < 100; page++) {
            HttpResponse<InputStream> r = send(ref, path, "application/json", HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes((int) MAX_MANIFEST + 1);
            }
            if (r.statusCode() == 404) throw new IOException("repository " + ref.repository() + " not found in " + ref.registry());
            if (r.statusCode() != 200) throw new IOException("tags of " + ref.repository() + ": registry answered " + r.statusCode());
            if (body.length > MAX_MANIFEST) throw new IOException("the tag list of " + ref.repository() + " is larger than 10 MiB");
            for (var tag : JSON.readTree(body).path("tags")) out.add(tag.asText());
            path = nextPage(r.headers().firstValue("Link").orElse(null), ref);
        }
        return out;
    }

    /** {@code Link: </v2/name/tags/list?last=x&n=1000>; rel="next"} → the path after the repository, or null. */
    static String nextPage(String link, ImageReference ref) {
        if (link == null || !link.contains("rel=\"next\"")) return null;
        String target = link.substring(link.indexOf('<') + 1, link.indexOf('>'));
        String prefix = "/v2/" + ref.repository();
        int at = target.indexOf(prefix + "/tags/list");
        return at < 0 ? null : target.substring(at + prefix.length());
    }

    /** The manifest digest a tag points at, from a HEAD (no body moves), or null when the registry does not say. */
    public String digest(ImageReference ref) throws IOException, InterruptedException {
        HttpResponse<Void> r = send(ref, "/manifests/" + ref.manifestReference(), Manifests.ACCEPT, HttpResponse.BodyHandlers.discarding(), "HEAD");
        if (r.statusCode() == 404) throw new IOException("image " + ref + " not found in " + ref.registry());
        if (r.statusCode() != 200) throw new IOException("manifest of " + ref + ": registry answered " + r.statusCode());
        return r.headers().firstValue("Docker-Content-Digest").orElse(null);
    }

    public Pulled pull(ImageReference ref, BlobStore store) throws IOException, InterruptedException {
        return pull(ref, store, TransferListener.NONE);
    }

    /** Pulls, telling {@code listener} of every blob's bytes and of each layer as soon as it is stored. */
    public Pulled pull(ImageReference ref, BlobStore store, TransferListener listener) throws IOException, InterruptedException {
        Fetched m = manifest(ref, ref.manifestReference());
        Manifests.Parsed parsed = Manifests.parse(m.body, m.contentType);
        String manifestDigest = m.digest;
        if (ref.digest() != null && !ref.digest().equals(manifestDigest)) {
            throw new IOException("digest mismatch for " + ref + ": the registry's manifest hashes to " + manifestDigest);
        }
        if (parsed.isIndex()) {
            Manifests.Descriptor chosen = Manifests.pick(parsed, settings.platform());
            m = manifest(ref, chosen.digest());
            if (!m.digest.equals(chosen.digest())) {
                throw new IOException("digest mismatch for " + chosen.digest() + ": the registry's manifest hashes to " + m.digest);
            }
            parsed = Manifests.parse(m.body, m.contentType);
            if (parsed.isIndex()) throw new IOException("an index inside an index is not supported (" + chosen.digest() + ")");
            manifestDigest = chosen.digest();
        }
        Manifests.Descriptor manifest = new Manifests.Descriptor(parsed.mediaType(), manifestDigest, m.body.length, null, null, null);
        listener.blob(manifest);
        store.put(new ByteArrayInputStream(m.body), manifestDigest, MAX_MANIFEST);
        listener.done(manifest, true);
        List<Manifests.Descriptor> blobs = new ArrayList<>();
        blobs.add(parsed.config());
        blobs.addAll(parsed.layers());
        for (Manifests.Descriptor d : blobs) listener.blob(d);
        int fetched = fetchAll(ref, blobs, store, listener);
        long total = 0;
        for (Manifests.Descriptor d : blobs) total += Math.max(0, d.size());
        return new Pulled(ref, manifestDigest, parsed.config().digest(), parsed.layers(), total, fetched);
    }

    private int fetchAll(ImageReference ref, List<Manifests.Descriptor> blobs, BlobStore store, TransferListener listener)
            throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "yoq-pull");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Boolean>> jobs = new ArrayList<>();
            for (int i = 0; i < blobs.size(); i++) {
                Manifests.Descriptor d = blobs.get(i);
                boolean layer = i > 0;   // the first is the config
                jobs.add(pool.submit(() -> {
                    boolean moved = fetchBlob(ref, d, store, listener);
                    listener.done(d, moved);
                    if (layer) listener.layerStored(d);
                    return moved;
                }));
            }
            int fetched = 0;
            for (Future<Boolean> job : jobs) {
                try {
                    if (job.get()) fetched++;
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) throw io;
                    throw new IOException(cause.getMessage(), cause);
                }
            }
            return fetched;
        } finally {
            pool.shutdownNow();
        }
    }

    private boolean fetchBlob(ImageReference ref, Manifests.Descriptor d, BlobStore store, TransferListener listener)
            throws IOException, InterruptedException {
        if (store.has(d.digest())) return false;
        if (d.size() > MAX_BLOB) throw new IOException("blob " + d.digest() + " (" + d.size() + " bytes) is larger than the limit of 512 MiB");
        URI uri = URI.create(settings.base(ref) + "/v2/" + ref.repository() + "/blobs/" + d.digest());
        BlobDownload r = BlobDownload.open(uri, tokens.get(key(ref)), settings.allowed());
        if (r.status == 401) {
            r.close();
            r = BlobDownload.open(uri, answer(ref, r.header("WWW-Authenticate")), settings.allowed());
            if (r.status == 401) {
                r.close();
                throw new IOException("registry " + ref.registry() + " refused the credentials for " + ref.repository());
            }
        }
        try (BlobDownload download = r) {
            if (r.status != 200) throw new IOException("blob " + d.digest() + ": registry answered " + r.status);
            if (r.contentLength() > MAX_BLOB) throw new IOException("blob " + d.digest() + " is larger than the limit of 512 MiB");
            long got;
            try (InputStream in = r.body()) {
                got = store.put(new Counting(in, d.digest(), listener), d.digest(), MAX_BLOB);
            }
            if (d.size() >= 0 && got != d.size()) {
                store.delete(d.digest());
                throw new IOException("blob " + d.digest() + ": " + got + " bytes, the manifest says " + d.size());
            }
        }
        return true;
    }

    /** Reports bytes as they are read, so a progress display sees a blob move. */
    private static final class Counting extends java.io.FilterInputStream {
        private final String digest;
        private final TransferListener listener;

        Counting(InputStream in, String digest, TransferListener listener) {
            super(in);
            this.digest = digest;
            this.listener = listener;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) listener.bytes(digest, n);
            return n;
        }
    }

    private record Fetched(byte[] body, String contentType, String digest) {}

    private Fetched manifest(ImageReference ref, String reference) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = send(ref, "/manifests/" + reference, Manifests.ACCEPT, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() == 404) throw new IOException("image " + ref + " not found in " + ref.registry());
            if (r.statusCode() != 200) throw new IOException("manifest of " + ref + ": registry answered " + r.statusCode());
            long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (length > MAX_MANIFEST) throw new IOException("the manifest of " + ref + " is larger than the limit of 10 MiB");
            byte[] body = in.readNBytes((int) MAX_MANIFEST + 1);
            if (body.length > MAX_MANIFEST) throw new IOException("the manifest of " + ref + " is larger than the limit of 10 MiB");
            return new Fetched(body, r.headers().firstValue("Content-Type").orElse(null), BlobStore.digestOf(body));
        }
    }

    /** A GET on the repository's API, answering one auth challenge (bearer token or basic) and retrying once. */
    private <T> HttpResponse<T> send(ImageReference ref, String path, String accept, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        return send(ref, path, accept, body, "GET");
    }

    private <T> HttpResponse<T> send(ImageReference ref, String path, String accept, HttpResponse.BodyHandler<T> body, String method)
            throws IOException, InterruptedException {
        URI uri = URI.create(settings.base(ref) + "/v2/" + ref.repository() + path);
        HttpResponse<T> r = following(uri, accept, tokens.get(key(ref)), method, body);
        if (r.statusCode() != 401) return r;
        if (r.body() instanceof InputStream s) s.close();
        String auth = answer(ref, r.headers().firstValue("WWW-Authenticate").orElse(null));
        HttpResponse<T> again = following(uri, accept, auth, method, body);
        if (again.statusCode() == 401) {
            if (again.body() instanceof InputStream s) s.close();
            throw new IOException("registry " + ref.registry() + " refused the credentials for " + ref.repository());
        }
        return again;
    }

    /**
     * One request, following up to {@value #MAX_HOPS} redirects by hand so that each target is checked
     * ({@link RegistryTargets#checkHop}); the credentials go only to the registry's own host.
     */
    private <T> HttpResponse<T> following(URI uri, String accept, String authorization, String method, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        URI at = uri;
        for (int hop = 0; ; hop++) {
            boolean sameHost = java.util.Objects.equals(at.getAuthority(), uri.getAuthority());
            HttpResponse<T> r = http.send(request(at, accept, sameHost ? authorization : null, method), body);
            int status = r.statusCode();
            if (status / 100 != 3 || status == 304) return r;
            if (r.body() instanceof InputStream s) s.close();
            String location = r.headers().firstValue("Location").orElseThrow(() -> new IOException("the registry redirected without a Location"));
            if (hop >= MAX_HOPS) throw new IOException("more than " + MAX_HOPS + " redirects for " + uri);
            try {
                at = at.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new IOException("the registry redirected to a bad location: " + location);
            }
            RegistryTargets.checkHop(at, settings.allowed());
        }
    }

    static final int MAX_HOPS = 5;

    private static String key(ImageReference ref) {
        return ref.registry() + " " + ref.repository();
    }

    /** Answers a 401's challenge: a token from the realm (bearer) or basic credentials; kept for the repository. */
    private String answer(ImageReference ref, String challengeHeader) throws IOException, InterruptedException {
        BearerChallenge challenge = BearerChallenge.parse(challengeHeader);
        Credentials creds = credentials.apply(ref.registry());
        String auth;
        if (challenge.bearer()) {
            String scope = challenge.scope() != null ? challenge.scope() : "repository:" + ref.repository() + ":pull";
            auth = RegistryAuth.bearer(http, challenge, scope, ref.registry(), creds, settings.allowed());
        } else if (challenge.scheme().equals("basic") && creds != null) {
            auth = RegistryAuth.basic(creds);
        } else {
            throw new IOException("registry " + ref.registry() + " wants credentials: run yoq login " + ref.registry());
        }
        tokens.put(key(ref), auth);
        return auth;
    }

    private static HttpRequest request(URI uri, String accept, String authorization) {
        return request(uri, accept, authorization, "GET");
    }

    private static HttpRequest request(URI uri, String accept, String authorization, String method) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) b.header("Accept", accept);
        if (authorization != null) b.header("Authorization", authorization);
        return b.build();
    }
}
