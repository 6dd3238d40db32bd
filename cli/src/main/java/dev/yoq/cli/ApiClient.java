package dev.yoq.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The CLI's HTTP client of the yoq API: bearer token, 5 s connect timeout, JSON errors turned into messages
 * that say what to do.
 */
public class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final ServerAddress server;
    private final GlobalOptions.Credential credential;
    private final HttpClient http;

    public ApiClient(ServerAddress server, GlobalOptions.Credential credential) {
        this.server = server;
        this.credential = credential;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A response as received. */
    public record Reply(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new CliException("the server sent something that is not JSON (HTTP " + status + ")");
            }
        }
    }

    /** GET {@code path} and return the reply if it is a 2xx, else throw a {@link CliException} saying why. */
    public Reply get(String path) {
        Reply reply = send(HttpRequest.newBuilder(server.uri(path)).GET());
        if (reply.status() / 100 == 2) {
            return reply;
        }
        throw failure(reply);
    }

    /** POST a JSON body (or none) and return the 2xx reply, else throw saying why. */
    public Reply post(String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            return ok(send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                    .POST(publisher)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliException("cannot encode the request: " + e.getMessage(), e);
        }
    }

    public Reply delete(String path) {
        return ok(send(HttpRequest.newBuilder(server.uri(path)).DELETE()));
    }

    private Reply ok(Reply reply) {
        if (reply.status() / 100 == 2) {
            return reply;
        }
        throw failure(reply);
    }

    /** GET without failing on non-2xx and without a token: for public routes such as health. */
    public Reply probe(String path) {
        return send(HttpRequest.newBuilder(server.uri(path)).GET());
    }

    private Reply send(HttpRequest.Builder request) {
        request.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (credential.token() != null) {
            request.header("Authorization", "Bearer " + credential.token());
        }
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliException("cannot reach the yoq server at " + server + " (" + describe(e)
                    + "); is it running? start it with: yoq server start", e);
        } catch (HttpTimeoutException e) {
            throw new CliException("the yoq server at " + server + " did not answer within 30 s", e);
        } catch (IOException e) {
            throw new CliException("talking to the yoq server at " + server + " failed: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    private CliException failure(Reply reply) {
        if (reply.status() == 401) {
            return new CliException("the server at " + server + " refused the API token (401 unauthorized); "
                    + "token used: " + credential.source() + ". Pass --token, set YOQ_TOKEN, or use the token in "
                    + "the server's data directory (api_token)");
        }
        String message = null;
        try {
            JsonNode error = JSON.readTree(reply.body()).get("error");
            message = error == null ? null : error.asText();
        } catch (IOException | RuntimeException notJson) {
            // fall through to the status-only message
        }
        return new CliException("the server answered " + reply.status()
                + (message == null ? "" : ": " + message));
    }

    private static String describe(Exception e) {
        if (e instanceof ConnectException && (e.getMessage() == null || e.getMessage().isBlank())) {
            return "connection refused";
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
