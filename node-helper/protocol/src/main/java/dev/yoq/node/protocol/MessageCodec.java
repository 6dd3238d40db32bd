package dev.yoq.node.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Frames and parses protocol messages: UTF-8 JSON, snake_case names, one message per line. Reading stops at
 * {@link Wire#MAX_MESSAGE_BYTES}: a longer line is an error, not a memory problem.
 */
public final class MessageCodec {
    /**
     * One codec per process is enough (an ObjectMapper is thread-safe) and much cheaper: a new mapper learns
     * every record type again, which cost milliseconds per helper connection.
     */
    public static final MessageCodec SHARED = new MessageCodec();

    private final ObjectMapper json = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    public ObjectMapper mapper() { return json; }

    public void write(OutputStream out, Object message) throws IOException {
        byte[] bytes = json.writeValueAsBytes(message);
        byte[] framed = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, framed, 0, bytes.length);
        framed[bytes.length] = '\n';
        out.write(framed);
        out.flush();
    }

    /** Reads one message; null at a clean end of stream. {@code in} should be buffered. */
    public <T> T read(InputStream in, Class<T> type) throws IOException {
        byte[] line = readLine(in);
        return line == null ? null : json.readValue(line, type);
    }

    public <T> T convert(JsonNode node, Class<T> type) {
        try {
            return json.treeToValue(node, type);
        } catch (IOException e) {
            throw new HelperException(HelperError.INVALID, "malformed " + type.getSimpleName() + ": " + firstLine(e));
        }
    }

    public JsonNode tree(Object value) { return json.valueToTree(value); }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') return buf.toByteArray();
            if (buf.size() >= Wire.MAX_MESSAGE_BYTES) {
                throw new IOException("message longer than " + Wire.MAX_MESSAGE_BYTES + " bytes");
            }
            buf.write(b);
        }
        if (buf.size() == 0) return null;
        throw new EOFException("connection closed in the middle of a message");
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
