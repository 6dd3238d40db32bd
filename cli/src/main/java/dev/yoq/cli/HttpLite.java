package dev.yoq.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Plain HTTP/1.1 over one kept-alive TCP connection: all the CLI needs, as in the original (spec §1.0). The
 * JDK's java.net.http client costs a few hundred milliseconds of class loading on every command, which is most
 * of a short command's time; this costs almost nothing.
 */
final class HttpLite implements AutoCloseable {
    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int READ_TIMEOUT_MS = 30_000;
    /** Larger answers are refused rather than buffered without bound. */
    static final int MAX_BODY = 4 << 20;

    /** An answer; {@code retryAfter} is the Retry-After header (seconds), null when absent. */
    record Response(int status, String body, Integer retryAfter) {
        Response(int status, String body) {
            this(status, body, null);
        }
    }

    private final String host;
    private final int port;
    private int readTimeoutMs = READ_TIMEOUT_MS;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** TLS when set: the connection is wrapped, the server's certificate checked against its trust and the host. */
    private final javax.net.ssl.SSLSocketFactory tls;

    HttpLite(String host, int port) {
        this(host, port, null);
    }

    HttpLite(String host, int port, javax.net.ssl.SSLSocketFactory tls) {
        this.host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        this.port = port;
        this.tls = tls;
    }

    /** For requests that take as long as their work (a pull of a large image): the answer may come much later. */
    void readTimeout(int ms) {
        readTimeoutMs = ms;
    }

    /** One request; retried once on a fresh connection if a kept-alive one turned out to be closed. */
    Response send(String method, String path, String token, byte[] body) throws IOException {
        boolean reused = socket != null;
        try {
            return exchange(method, path, token, body);
        } catch (IOException e) {
            close();
            if (!reused || e instanceof java.net.SocketTimeoutException) throw e;
            return exchange(method, path, token, body);
        }
    }

    private Response exchange(String method, String path, String token, byte[] body) throws IOException {
        if (socket == null) connect();
        StringBuilder head = new StringBuilder(256)
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Accept: application/json\r\n")
                .append("Connection: keep-alive\r\n");
        if (token != null) head.append("Authorization: Bearer ").append(token).append("\r\n");
        if (body != null) head.append("Content-Type: application/json\r\n");
        if (body != null || !method.equals("GET")) head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) out.write(body);
        out.flush();
        return readResponse();
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        s.setSoTimeout(readTimeoutMs);
        if (tls != null) {
            javax.net.ssl.SSLSocket secure = (javax.net.ssl.SSLSocket) tls.createSocket(s, host, port, true);
            javax.net.ssl.SSLParameters params = secure.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");   // the certificate must name the address dialled
            secure.setSSLParameters(params);
            try {
                secure.startHandshake();
            } catch (IOException e) {
                secure.close();
                String plain = String.valueOf(e.getMessage()).contains("Unsupported or unrecognized SSL message")
                        ? " (the server speaks plain HTTP, as a cluster server does: YOQ_API_PLAIN_HTTP=1 or http:// accepts that)" : "";
                throw new javax.net.ssl.SSLException("TLS with " + host + ":" + port + " failed: " + e.getMessage() + plain, e);
            }
            s = secure;
        }
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16384);
        out = s.getOutputStream();
    }

    private Response readResponse() throws IOException {
        String status = line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP response: " + status);
        int code = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false, close = false;
        Integer retryAfter = null;
        for (String h; !(h = line()).isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon < 0) continue;
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                case "retry-after" -> retryAfter = value.matches("[0-9]{1,6}") ? Integer.valueOf(value) : null;
                default -> { }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (long size; (size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0; ) {
                copy(size, body);
                line();
            }
            while (!line().isEmpty()) { }   // trailers
        } else if (length >= 0) {
            copy(length, body);
        } else {
            copy(-1, body);   // until the server closes
            close = true;
        }
        if (close) close();
        return new Response(code, body.toString(StandardCharsets.UTF_8), retryAfter);
    }

    /** Copies n bytes of body, or (n < 0) everything until the server closes. */
    private void copy(long n, ByteArrayOutputStream to) throws IOException {
        boolean untilEof = n < 0;
        byte[] buf = new byte[8192];
        while (untilEof || n > 0) {
            int r = in.read(buf, 0, untilEof ? buf.length : (int) Math.min(buf.length, n));
            if (r < 0) {
                if (untilEof) return;
                throw new IOException("connection closed in the middle of the answer");
            }
            if (to.size() + r > MAX_BODY) throw new IOException("the answer is larger than " + (MAX_BODY >> 20) + " MiB");
            to.write(buf, 0, r);
            if (!untilEof) n -= r;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                int len = b.size();
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, len > 0 && bytes[len - 1] == '\r' ? len - 1 : len, StandardCharsets.ISO_8859_1);
            }
            if (b.size() > 16384) throw new IOException("header line too long");
            b.write(c);
        }
        throw new java.io.EOFException("connection closed");
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        socket = null;
    }
}
