package dev.yoq.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.cluster.raft.RaftPeerAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /cluster/peers/info}: every configured server's {@code /cluster/node-info}, asked in parallel with 5 s
 * each (the spec's budget); a server that does not answer in time, or answers nonsense, is {@code reachable: 0}.
 */
public final class PeerInfo {
    static final Duration PER_PEER = Duration.ofSeconds(5);
    private static final int MAX_BODY = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One server's answer: its node-info when reachable. */
    public record Answer(int id, boolean reachable, String softwareVersion, long unixMs) {}

    private PeerInfo() {}

    public static List<Answer> ask(List<RaftPeerAddress> servers, int apiPort, String token) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(PER_PEER).build();
        List<CompletableFuture<Answer>> pending = new ArrayList<>();
        for (RaftPeerAddress server : servers) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + server.host() + ":" + apiPort + "/cluster/node-info"))
                    .timeout(PER_PEER).header("Authorization", "Bearer " + token).GET().build();
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                    .thenApply(reply -> read(server.id(), reply))
                    .completeOnTimeout(unreachable(server.id()), PER_PEER.toMillis() + 500, TimeUnit.MILLISECONDS)
                    .exceptionally(e -> unreachable(server.id())));
        }
        return pending.stream().map(CompletableFuture::join).toList();
    }

    private static Answer read(int id, HttpResponse<InputStream> reply) {
        try (InputStream body = reply.body()) {
            if (reply.statusCode() != 200) return unreachable(id);
            byte[] bytes = body.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) return unreachable(id);
            JsonNode n = JSON.readTree(bytes);
            if (n.path("id").asInt(-1) != id) return unreachable(id);   // another server answers at that address
            return new Answer(id, true, n.path("software_version").asText(""), n.path("unix_ms").asLong(0));
        } catch (IOException | RuntimeException e) {
            return unreachable(id);
        }
    }

    private static Answer unreachable(int id) {
        return new Answer(id, false, null, 0);
    }
}
