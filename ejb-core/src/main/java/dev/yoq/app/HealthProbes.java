package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One probe of a container (spec §3.6): http = {@code GET <path> HTTP/1.0} with {@code Host: localhost}, healthy
 * iff 2xx; tcp = the connection opens; grpc = {@code grpc.health.v1.Health/Check} says SERVING; exec = the command
 * exits 0 inside the container. Each probe gets the check's timeout, whole.
 */
public final class HealthProbes {
    /** Runs a command in the container and returns its exit code. */
    @FunctionalInterface
    public interface Exec {
        int run(List<String> command) throws Exception;
    }

    private HealthProbes() {}

    public static boolean probe(Manifest.HealthCheck check, String ip, Exec exec) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, check.timeout() * 1000);
        try {
            return switch (check.kind()) {
                case "http" -> http(ip, check.port(), check.path(), timeoutMs);
                case "tcp" -> tcp(ip, check.port(), timeoutMs);
                case "grpc" -> GrpcHealth.serving(ip, check.port(), check.service() == null ? "" : check.service(), timeoutMs);
                case "exec" -> exec.run(check.command()) == 0;
                default -> false;
            };
        } catch (Exception e) {
            return false;
        }
    }

    static boolean tcp(String ip, int port, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), timeoutMs);
            return true;
        }
    }

    static boolean http(String ip, int port, String path, int timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), timeoutMs);
            s.setSoTimeout(Math.max(1, (int) (deadline - System.currentTimeMillis())));
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = statusLine(s.getInputStream());
            String[] parts = status.split(" ", 3);
            return parts.length >= 2 && parts[0].startsWith("HTTP/") && parts[1].length() == 3 && parts[1].charAt(0) == '2';
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n' && line.length() < 256; c = in.read()) line.append((char) c);
        return line.toString().strip();
    }
}
