package dev.yoq.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;

/** The test server as the tests see it: the real EAR, its port, its data directory, an HTTP client. */
final class YoqServer {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int PORT = Integer.getInteger("yoq.test.port", 7781);
    static final Path SERVER_DIR = Path.of(System.getProperty("yoq.test.server.dir")).toAbsolutePath().normalize();
    static final Path DATA_DIR = SERVER_DIR.resolve("yoq-home");
    static final Path REPO = Path.of(System.getProperty("yoq.test.repo")).toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private YoqServer() {
    }

    /** The EAR exactly as the build produced it: black-box tests deploy what users deploy. */
    static EnterpriseArchive ear() {
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, new File(System.getProperty("yoq.test.ear")));
    }

    static String token() throws IOException {
        return Files.readString(DATA_DIR.resolve("api_token")).strip();
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + PORT + path);
    }

    static HttpResponse<String> get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET(), token);
    }

    static HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
