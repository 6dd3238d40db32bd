package dev.yoq.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;

/**
 * One blob GET over {@link HttpURLConnection}: on this machine it streams large blobs about a third faster than
 * java.net.http's InputStream body (measured: 5 × 40 MB from a loopback registry, 1.2-1.4 s against 1.7-2.7 s).
 * Redirects (registries send blobs to a CDN) are followed by hand, at most 5, and the Authorization header is
 * sent only to the registry's own host, never to the place it redirects to.
 */
final class BlobDownload implements AutoCloseable {
    static final int MAX_REDIRECTS = 5;

    private final HttpURLConnection connection;
    final int status;

    private BlobDownload(HttpURLConnection connection, int status) {
        this.connection = connection;
        this.status = status;
    }

    static BlobDownload open(URI uri, String authorization) throws IOException {
        return open(uri, authorization, java.util.Set.of());
    }

    /** As above; every redirect's target must pass {@link RegistryTargets#checkHop} ({@code allowed}: the operator's). */
    static BlobDownload open(URI uri, String authorization, java.util.Set<String> allowed) throws IOException {
        URL url = uri.toURL();
        String host = url.getAuthority();
        for (int hop = 0; ; hop++) {
            HttpURLConnection c = (HttpURLConnection) url.openConnection();
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout(10_000);
            c.setReadTimeout(60_000);
            if (authorization != null && url.getAuthority().equals(host)) c.setRequestProperty("Authorization", authorization);
            int status = c.getResponseCode();
            if (status / 100 != 3 || status == 304) return new BlobDownload(c, status);
            String location = c.getHeaderField("Location");
            drain(c);
            if (location == null) throw new IOException("the registry redirected without a Location");
            if (hop >= MAX_REDIRECTS) throw new IOException("more than " + MAX_REDIRECTS + " redirects for " + uri);
            try {
                url = url.toURI().resolve(location).toURL();
                RegistryTargets.checkHop(url.toURI(), allowed);
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                throw new IOException("the registry redirected to a bad location: " + location);
            }
        }
    }

    String header(String name) { return connection.getHeaderField(name); }

    long contentLength() { return connection.getContentLengthLong(); }

    InputStream body() throws IOException { return connection.getInputStream(); }

    private static void drain(HttpURLConnection c) {
        try (InputStream in = c.getErrorStream() != null ? c.getErrorStream() : c.getInputStream()) {
            if (in != null) in.readNBytes(64 << 10);
        } catch (IOException ignored) {
            // a redirect's body is not needed
        }
    }

    @Override
    public void close() {
        drain(connection);   // reading the rest (a small error body) lets the connection be kept alive
    }

}
