package dev.yoq.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;

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
    private final HttpLite http;

    public ApiClient(ServerAddress server, GlobalOptions.Credential credential) {
        this.server = server;
        this.credential = credential;
        this.http = new HttpLite(server.host(), server.port(), ApiTransport.forServer(server, credential.token() != null, System.getenv(),
                dev.yoq.node.protocol.DataLayout.current().root()));
    }

    /** This client waits up to an hour for answers: for pulls and pushes, whose answer comes when they end. */
    public ApiClient patient() {
        http.readTimeout(3_600_000);
        return this;
    }

    /** A response as received. */
    /** An answer; {@code retryAfter} from the Retry-After header (seconds), null when absent. */
    public record Reply(int status, String body, Integer retryAfter) {
        public Reply(int status, String body) {
            this(status, body, null);
        }

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
        return ok(send("GET", path, null, true));
    }

    /** POST a JSON body (or none) and return the 2xx reply, else throw saying why. */
    public Reply post(String path, Object body) {
        try {
            return ok(send("POST", path, body == null ? null : JSON.writeValueAsBytes(body), true));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliException("cannot encode the request: " + e.getMessage(), e);
        }
    }

    /** POST a JSON body and return the reply whatever its status (an agent reads leader hints from 400s). */
    public Reply postAnswer(String path, Object body) {
        try {
            return send("POST", path, JSON.writeValueAsBytes(body), true);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliException("cannot encode the request: " + e.getMessage(), e);
        }
    }

    /** PUT a JSON body and return the 2xx reply, else throw saying why. */
    public Reply put(String path, Object body) {
        try {
            return ok(send("PUT", path, JSON.writeValueAsBytes(body), true));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliException("cannot encode the request: " + e.getMessage(), e);
        }
    }

    public Reply delete(String path) {
        return ok(send("DELETE", path, null, true));
    }

    /** DELETE without failing on non-2xx: the caller words the refusal (e.g. {@code secret not found: NAME}). */
    public Reply probeDelete(String path) {
        return send("DELETE", path, null, true);
    }

    Reply ok(Reply reply) {
        if (reply.status() / 100 == 2) {
            return reply;
        }
        throw failure(reply);
    }

    /** GET with the token, without failing on non-2xx: for polling something that may not exist yet. */
    public Reply probeWithToken(String path) {
        return send("GET", path, null, true);
    }

    /** GET without failing on non-2xx and without a token: for public routes such as health. */
    public Reply probe(String path) {
        return send("GET", path, null, false);
    }

    private Reply send(String method, String path, byte[] body, boolean withToken) {
        try {
            HttpLite.Response r = http.send(method, path, withToken ? credential.token() : null, body);
            return new Reply(r.status(), r.body(), r.retryAfter());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the yoq server at " + server + " (" + describe(e)
                    + "); is it running? start it with: yoq server start", e);
        } catch (SocketTimeoutException e) {
            throw new CliException(e.getMessage() != null && e.getMessage().contains("connect")
                    ? "cannot reach the yoq server at " + server + " (connect timed out); is it running? start it with: yoq server start"
                    : "the yoq server at " + server + " did not answer within 30 s", e);
        } catch (IOException e) {
            throw new CliException("talking to the yoq server at " + server + " failed: " + describe(e), e);
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
        String retry = reply.status() == 429 || reply.status() == 503
                ? "; retry in " + (reply.retryAfter() == null ? 1 : reply.retryAfter()) + " s" : "";
        return new CliException("the server answered " + reply.status()
                + (message == null ? "" : ": " + message) + retry);
    }

    private static String describe(Exception e) {
        if (e instanceof ConnectException && (e.getMessage() == null || e.getMessage().isBlank())) {
            return "connection refused";
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
