package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The CLI's HTTP client against a scripted server: framing, keep-alive, headers it sends. */
class HttpLiteTest {

    /** Serves the given raw answers in order on one connection and records each request head. */
    static final class Scripted implements AutoCloseable {
        final ServerSocket server;
        final List<String> heads = new CopyOnWriteArrayList<>();
        final Thread thread;

        Scripted(String... answers) throws Exception {
            server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                int served = 0;
                while (served < answers.length) {
                    try (Socket s = server.accept()) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                        OutputStream out = s.getOutputStream();
                        while (served < answers.length) {
                            StringBuilder head = new StringBuilder();
                            int length = 0;
                            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                                head.append(line).append('\n');
                                if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
                            }
                            if (head.length() == 0) break;
                            char[] body = new char[length];
                            int read = 0;
                            while (read < length) read += in.read(body, read, length - read);
                            heads.add(head + new String(body));
                            String answer = answers[served++];
                            out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                            if (answer.contains("Connection: close")) break;
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            thread.start();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(2000);
        }
    }

    @Test
    void reads_content_length_and_chunked_answers_on_one_kept_alive_connection() throws Exception {
        try (Scripted server = new Scripted(
                "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
                "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"er\r\n9\r\nror\":\"x\"}\r\n0\r\n\r\n");
             HttpLite http = new HttpLite("127.0.0.1", server.server.getLocalPort())) {
            HttpLite.Response first = http.send("GET", "/v1/status", "tok", null);
            HttpLite.Response second = http.send("POST", "/containers", null, "{\"x\":2}".getBytes());
            assertThat(first).isEqualTo(new HttpLite.Response(200, "{\"a\":1}"));
            assertThat(second).isEqualTo(new HttpLite.Response(404, "{\"error\":\"x\"}"));
            assertThat(server.heads.get(0)).startsWith("GET /v1/status HTTP/1.1\n").contains("Authorization: Bearer tok\n")
                    .doesNotContain("Content-Length");
            assertThat(server.heads.get(1)).startsWith("POST /containers HTTP/1.1\n").doesNotContain("Authorization")
                    .contains("Content-Type: application/json\n").contains("Content-Length: 7\n").endsWith("{\"x\":2}");
        }
    }

    @Test
    void a_closed_kept_alive_connection_is_reopened_once() throws Exception {
        try (Scripted server = new Scripted(
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
             HttpLite http = new HttpLite("127.0.0.1", server.server.getLocalPort())) {
            assertThat(http.send("GET", "/a", null, null).body()).isEqualTo("ok");
            assertThat(http.send("GET", "/b", null, null).body()).isEqualTo("again");
        }
    }

    @Test
    void a_refused_connection_is_reported() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpLite http = new HttpLite("127.0.0.1", port);
        assertThatThrownBy(() -> http.send("GET", "/", null, null)).isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void a_429_tells_the_user_when_to_retry() throws Exception {
        try (Scripted server = new Scripted(
                "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 31\r\n\r\n{\"error\":\"rate limit exceeded\"}")) {
            ApiClient client = new ApiClient(ServerAddress.parse("127.0.0.1:" + server.server.getLocalPort()), new GlobalOptions.Credential("t", "test"));
            assertThatThrownBy(() -> client.get("/v1/status")).isInstanceOf(CliException.class)
                    .hasMessage("the server answered 429: rate limit exceeded; retry in 3 s");
        }
    }
}
