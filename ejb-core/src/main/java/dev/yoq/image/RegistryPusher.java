package dev.yoq.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Pushes a stored image over the OCI distribution protocol: each blob (config, layers) is skipped when the
 * registry has it (HEAD), mounted from the source repository when both live on the same registry, else uploaded
 * (monolithic PUT, or PATCH chunks then PUT for blobs over {@code chunkSize}); the manifest goes last, with its
 * own media type. Basic auth or the bearer flow with push scope.
 */
public final class RegistryPusher {
    public record Pushed(String manifestDigest, int uploaded, int mounted, int skipped) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Function<String, RegistryClient.Credentials> credentials;
    private final long chunkSize;
    private final RegistrySettings settings;

    public RegistryPusher(Function<String, RegistryClient.Credentials> credentials, long chunkSize) {
        this(credentials, chunkSize, RegistrySettings.DEFAULTS);
    }

    public RegistryPusher(Function<String, RegistryClient.Credentials> credentials, long chunkSize, RegistrySettings settings) {
        this.credentials = credentials;
        this.chunkSize = chunkSize;
        this.settings = settings;
    }

    public Pushed push(ImageReference target, ImageReference source, String manifestDigest, BlobStore store)
            throws IOException, InterruptedException {
        return push(target, source, manifestDigest, store, TransferListener.NONE);
    }

    /** Pushes, telling {@code listener} of each blob: skipped or mounted ones count as already there. */
    public Pushed push(ImageReference target, ImageReference source, String manifestDigest, BlobStore store,
                       TransferListener listener) throws IOException, InterruptedException {
        byte[] manifest;
        try (InputStream in = store.open(manifestDigest)) {
            manifest = in.readAllBytes();
        }
        Manifests.Parsed parsed = Manifests.parse(manifest, null);
        List<Manifests.Descriptor> blobs = new ArrayList<>(parsed.layers());
        blobs.add(0, parsed.config());
        int uploaded = 0, mounted = 0, skipped = 0;
        String auth = authorize(target, source);
        for (Manifests.Descriptor d : blobs) listener.blob(d);
        for (Manifests.Descriptor d : blobs) {
            if (!store.has(d.digest())) throw new IOException("blob " + d.digest() + " of " + source + " is not in the store");
            HttpResponse<Void> head = http.send(req(target, "/blobs/" + d.digest(), auth).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (head.statusCode() == 200) {
                skipped++;
                listener.done(d, false);
                continue;
            }
            String from = mountable(target, source) ? "?mount=" + d.digest() + "&from=" + source.repository() : "";
            HttpResponse<Void> start = http.send(req(target, "/blobs/uploads/" + from, auth).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (start.statusCode() == 201) {
                mounted++;
                listener.done(d, false);
                continue;
            }
            if (start.statusCode() != 202) throw new IOException("upload of " + d.digest() + ": registry answered " + start.statusCode());
            upload(target, d, store, location(target, start), auth, listener);
            listener.done(d, true);
            uploaded++;
        }
        HttpResponse<String> put = http.send(req(target, "/manifests/" + target.manifestReference(), auth)
                .header("Content-Type", parsed.mediaType()).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) throw new IOException("manifest of " + target + ": registry answered " + put.statusCode() + " " + put.body());
        return new Pushed(manifestDigest, uploaded, mounted, skipped);
    }

    private void upload(ImageReference target, Manifests.Descriptor d, BlobStore store, String location, String auth,
                        TransferListener listener) throws IOException, InterruptedException {
        long size = store.size(d.digest());
        String url = location;
        if (size > chunkSize) {
            try (InputStream in = store.open(d.digest())) {
                for (long offset = 0; offset < size; ) {
                    byte[] chunk = in.readNBytes((int) Math.min(chunkSize, size - offset));
                    HttpResponse<Void> patch = http.send(with(HttpRequest.newBuilder(URI.create(url)), auth)
                            .header("Content-Type", "application/octet-stream")
                            .header("Content-Range", offset + "-" + (offset + chunk.length - 1))
                            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)).build(), HttpResponse.BodyHandlers.discarding());
                    if (patch.statusCode() != 202) throw new IOException("chunk of " + d.digest() + ": registry answered " + patch.statusCode());
                    url = location(target, patch);
                    offset += chunk.length;
                    listener.bytes(d.digest(), chunk.length);
                }
            }
            finish(url, d, auth, HttpRequest.BodyPublishers.noBody());
        } else {
            finish(url, d, auth, HttpRequest.BodyPublishers.ofFile(store.path(d.digest())));
            listener.bytes(d.digest(), size);
        }
    }

    private void finish(String url, Manifests.Descriptor d, String auth, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
        String sep = url.contains("?") ? "&" : "?";
        HttpResponse<String> put = http.send(with(HttpRequest.newBuilder(URI.create(url + sep + "digest=" + d.digest())), auth)
                .header("Content-Type", "application/octet-stream").PUT(body).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) throw new IOException("upload of " + d.digest() + ": registry answered " + put.statusCode() + " " + put.body());
    }

    private String location(ImageReference target, HttpResponse<?> r) throws IOException {
        String loc = r.headers().firstValue("Location").orElseThrow(() -> new IOException("registry gave no upload location"));
        String url = loc.startsWith("http") ? loc : base(target) + loc;
        try {
            RegistryTargets.checkHop(URI.create(url), settings.allowed());   // the registry chooses where uploads go
        } catch (IllegalArgumentException e) {
            throw new IOException("registry gave a bad upload location: " + loc);
        }
        return url;
    }

    /**
     * Basic credentials up front; a bearer challenge is answered with a push+pull token for the target, plus pull
     * on the source repository when it lives on the same registry (a cross-repository mount needs both).
     */
    private String authorize(ImageReference target, ImageReference source) throws IOException, InterruptedException {
        HttpResponse<Void> probe = http.send(HttpRequest.newBuilder(URI.create(base(target) + "/v2/")).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (probe.statusCode() != 401) return null;
        BearerChallenge c = BearerChallenge.parse(probe.headers().firstValue("WWW-Authenticate").orElse(null));
        RegistryClient.Credentials creds = credentials.apply(target.registry());
        if (creds == null) throw new IOException("registry " + target.registry() + " wants credentials: run yoq login " + target.registry());
        String scope = "repository:" + target.repository() + ":pull,push";
        if (mountable(target, source)) scope += " repository:" + source.repository() + ":pull";
        return c.bearer() ? RegistryAuth.bearer(http, c, scope, target.registry(), creds, settings.allowed())
                : RegistryAuth.basic(creds);
    }

    private static boolean mountable(ImageReference target, ImageReference source) {
        return source != null && source.registry().equals(target.registry()) && !source.repository().equals(target.repository());
    }

    private HttpRequest.Builder req(ImageReference target, String path, String auth) {
        return with(HttpRequest.newBuilder(URI.create(base(target) + "/v2/" + target.repository() + path)), auth);
    }

    private static HttpRequest.Builder with(HttpRequest.Builder b, String auth) {
        b.timeout(Duration.ofSeconds(300));
        if (auth != null) b.header("Authorization", auth);
        return b;
    }

    private String base(ImageReference ref) {
        return settings.base(ref);
    }
}
