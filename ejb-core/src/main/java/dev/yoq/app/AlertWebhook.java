package dev.yoq.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.logging.Logger;

/** One JSON POST per fired alert, retried with backoff (1 s, 2 s, 4 s: 4 tries) until a 2xx answer. */
final class AlertWebhook {
    private static final Logger LOG = Logger.getLogger(AlertWebhook.class.getName());
    static final int TRIES = 4;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AlertWebhook() {}

    static String body(String app, String service, String containerId, AlertState.Firing f, long atMs) {
        ObjectNode o = WorkloadHashes.JSON.createObjectNode().put("app", app).put("service", service).put("container_id", containerId)
                .put("metric", f.metric()).put("value", f.value()).put("threshold", f.threshold()).put("consecutive", f.consecutive())
                .put("fired_at", atMs / 1000);
        return o.toString();
    }

    /** Returns whether a try got a 2xx. */
    static boolean post(String url, String body) {
        long delay = 1_000;
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) return true;
                LOG.warning("alert webhook " + url + " answered " + r.statusCode() + " (try " + attempt + " of " + TRIES + ")");
            } catch (java.io.IOException e) {
                LOG.warning("alert webhook " + url + " failed: " + e.getMessage() + " (try " + attempt + " of " + TRIES + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (attempt < TRIES) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                delay *= 2;
            }
        }
        return false;
    }
}
