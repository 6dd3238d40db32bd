package dev.yoq.app;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The gRPC health probe: one {@code grpc.health.v1.Health/Check} call over plaintext HTTP/2 (prior knowledge),
 * healthy iff the answer's status is SERVING (1). A client this small needs no gRPC stack: one stream, a
 * fixed request with an uncompressed (no Huffman, no table) header block, and the answer's first message.
 */
final class GrpcHealth {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7;
    private static final int END_STREAM = 1, ACK = 1, END_HEADERS = 4;
    private static final int SERVING = 1;

    private GrpcHealth() {}

    static boolean serving(String ip, int port, String service, int timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), timeoutMs);
            s.setSoTimeout(Math.max(1, (int) (deadline - System.currentTimeMillis())));
            OutputStream out = s.getOutputStream();
            out.write(PREFACE);
            frame(out, SETTINGS, 0, 0, new byte[0]);
            frame(out, HEADERS, END_HEADERS, 1, headers(ip + ":" + port));
            frame(out, DATA, END_STREAM, 1, message(service));
            out.flush();
            return readAnswer(new DataInputStream(s.getInputStream()), out);
        }
    }

    private static boolean readAnswer(DataInputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
            int type = in.readUnsignedByte(), flags = in.readUnsignedByte(), stream = in.readInt() & 0x7fffffff;
            if (length > 1 << 20) return false;
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) return false;
            if (type == SETTINGS && (flags & ACK) == 0) frame(out, SETTINGS, ACK, 0, new byte[0]);
            else if (type == PING && (flags & ACK) == 0) frame(out, PING, ACK, 0, payload);
            else if (type == GOAWAY || (type == RST_STREAM && stream == 1)) return false;
            else if (type == DATA && stream == 1) body.write(payload, paddingStart(flags), payload.length - paddingStart(flags) - padding(flags, payload));
            if (stream == 1 && (flags & END_STREAM) != 0 && (type == DATA || type == HEADERS)) return status(body.toByteArray()) == SERVING;
            out.flush();
        }
    }

    private static int paddingStart(int flags) { return (flags & 0x8) != 0 ? 1 : 0; }

    private static int padding(int flags, byte[] payload) { return (flags & 0x8) != 0 ? payload[0] & 0xff : 0; }

    /** The HealthCheckResponse's {@code status} (field 1, varint) in the first gRPC message; -1 if none. */
    static int status(byte[] body) {
        if (body.length < 5 || body[0] != 0) return -1;
        int length = ((body[1] & 0xff) << 24) | ((body[2] & 0xff) << 16) | ((body[3] & 0xff) << 8) | (body[4] & 0xff);
        int end = Math.min(body.length, 5 + length);
        int status = 0;   // proto3 leaves a default (UNKNOWN = 0) out
        for (int i = 5; i < end; ) {
            int tag = body[i++] & 0xff;
            if (tag == 0x08) {
                int value = 0, shift = 0;
                while (i < end) {
                    int b = body[i++] & 0xff;
                    value |= (b & 0x7f) << shift;
                    shift += 7;
                    if (b < 0x80) break;
                }
                status = value;
            } else {
                return -1;
            }
        }
        return status;
    }

    /** HPACK: :method POST, :scheme http (static indexes), the rest literal without indexing, never Huffman. */
    private static byte[] headers(String authority) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x83);
        b.write(0x86);
        literal(b, 0x04, null, "/grpc.health.v1.Health/Check");
        literal(b, 0x01, null, authority);
        b.write(0x0f);
        b.write(31 - 15);   // content-type: static index 31, a 4-bit prefix continued
        string(b, "application/grpc");
        literal(b, 0x00, "te", "trailers");
        return b.toByteArray();
    }

    private static void literal(ByteArrayOutputStream b, int first, String name, String value) {
        b.write(first);
        if (name != null) string(b, name);
        string(b, value);
    }

    private static void string(ByteArrayOutputStream b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > 126) throw new IllegalArgumentException("header value too long");
        b.write(bytes.length);
        b.writeBytes(bytes);
    }

    /** A HealthCheckRequest {service} as one uncompressed gRPC message. */
    private static byte[] message(String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        if (name.length > 127) throw new IllegalArgumentException("grpc service name longer than 127 bytes");
        byte[] proto = name.length == 0 ? new byte[0] : new byte[2 + name.length];
        if (name.length > 0) {
            proto[0] = 0x0a;
            proto[1] = (byte) name.length;
            System.arraycopy(name, 0, proto, 2, name.length);
        }
        byte[] msg = new byte[5 + proto.length];
        msg[4] = (byte) proto.length;
        System.arraycopy(proto, 0, msg, 5, proto.length);
        return msg;
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] h = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length, (byte) type, (byte) flags,
                (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
        out.write(h);
        out.write(payload);
    }
}
