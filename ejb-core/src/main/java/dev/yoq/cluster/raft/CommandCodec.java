package dev.yoq.cluster.raft;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.state.Command;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;

/**
 * Commands as Raft log entries: {@code {"type":"CreateContainer","id":"<command id>","command":{...}}}, the type
 * being the record's simple name among {@link Command}'s permitted records. The command id is chosen by the
 * submitter so that a retried submit is applied once. Results travel back as {@code {"index":N,"result":...}} or
 * {@code {"index":N,"rejected":"why"}}, decoded to the command's declared result type. Submits made together go
 * as one batch entry ({@link #encodeBatch}), their outcomes as one list ({@link #encodeOutcomes}).
 */
public final class CommandCodec {
    /** A log entry larger than this is refused before it is proposed (the spec's Raft frame cap is 64 MiB). */
    public static final int MAX_ENTRY_BYTES = 16 * 1024 * 1024;

    private static final Map<String, Class<?>> TYPES = new HashMap<>();
    static {
        for (Class<?> c : Command.class.getPermittedSubclasses()) TYPES.put(c.getSimpleName(), c);
    }

    private final ObjectMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public CommandCodec() {
        json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(MAX_ENTRY_BYTES).build());
    }

    /**
     * An entry: a command with the id its submitter gave it and, for a leader's decision, the term in which its
     * submitter led ({@code 0}: anyone's command, applied whatever term commits it).
     */
    public record Entry(String commandId, Command<?> command, long leaderTerm, String problem) {
        public Entry(String commandId, Command<?> command, long leaderTerm) {
            this(commandId, command, leaderTerm, null);
        }

        /** An element of a batch that does not decode: refused alone, its batch-mates still apply. */
        static Entry undecodable(String commandId, String problem) {
            return new Entry(commandId, null, 0, problem);
        }
    }

    /** What applying an entry gave: a result, or the reason it was refused ({@code fenced}: a deposed leader's decision). */
    public record Outcome(long index, JsonNode result, String rejected, boolean fenced) {
        public boolean isRejected() { return rejected != null; }
    }

    public byte[] encode(String commandId, Command<?> command) {
        return encode(commandId, command, 0);
    }

    public byte[] encode(String commandId, Command<?> command, long leaderTerm) {
        byte[] bytes = write(entryNode(commandId, command, leaderTerm));
        if (bytes.length > MAX_ENTRY_BYTES) {
            throw new IllegalArgumentException(command.getClass().getSimpleName() + " is " + bytes.length
                    + " bytes as a log entry; at most " + MAX_ENTRY_BYTES);
        }
        return bytes;
    }

    private ObjectNode entryNode(String commandId, Command<?> command, long leaderTerm) {
        ObjectNode node = json.createObjectNode();
        node.put("type", command.getClass().getSimpleName());
        node.put("id", commandId);
        if (leaderTerm > 0) node.put("leader_term", leaderTerm);
        node.set("command", json.valueToTree(command));
        return node;
    }

    /**
     * Several submits in one log entry ({@code {"batch":[entry, ...]}}): one round of replication and one apply
     * transaction for all of them (group commit). Each keeps its command id and its own outcome.
     */
    public static byte[] encodeBatch(java.util.List<byte[]> encodedEntries) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("{\"batch\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = 0; i < encodedEntries.size(); i++) {
            if (i > 0) out.write(',');
            out.writeBytes(encodedEntries.get(i));   // each one as encode() wrote it: a JSON object
        }
        out.writeBytes("]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The entries of a log entry, and whether it was a batch (its outcomes then go back as one list). */
    public record Decoded(boolean batch, java.util.List<Entry> entries) {}

    public Decoded decodeAll(byte[] bytes) {
        JsonNode node = readTree(bytes);
        if (!node.has("batch")) return new Decoded(false, java.util.List.of(entry(node)));
        JsonNode batch = node.get("batch");
        if (!batch.isArray() || batch.isEmpty()) throw new IllegalArgumentException("a batch log entry without entries");
        java.util.List<Entry> out = new java.util.ArrayList<>();
        for (JsonNode e : batch) {
            try {
                out.add(entry(e));
            } catch (IllegalArgumentException bad) {
                out.add(Entry.undecodable(e.path("id").asText(null), bad.getMessage()));
            }
        }
        return new Decoded(true, out);
    }

    /** The outcomes of a batch, in its order: {@code {"index":N,"outcomes":[outcome, ...]}}. */
    public byte[] encodeOutcomes(long index, java.util.List<byte[]> outcomes) {
        ObjectNode node = json.createObjectNode();
        node.put("index", index);
        var array = node.putArray("outcomes");
        for (byte[] o : outcomes) array.add(readTree(o));
        return write(node);
    }

    public java.util.List<Outcome> decodeOutcomes(byte[] bytes) {
        JsonNode node = readTree(bytes);
        java.util.List<Outcome> out = new java.util.ArrayList<>();
        for (JsonNode o : node.path("outcomes")) out.add(outcome(o));
        return out;
    }

    private JsonNode readTree(byte[] bytes) {
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable log entry: " + e.getMessage(), e);
        }
    }

    public Entry decode(byte[] bytes) {
        return entry(readTree(bytes));
    }

    private Entry entry(JsonNode node) {
        try {
            String type = node.path("type").asText();
            Class<?> c = TYPES.get(type);
            if (c == null) throw new IllegalArgumentException("unknown command type in log entry: " + type);
            String id = node.path("id").asText(null);
            if (id == null || id.isEmpty()) throw new IllegalArgumentException("log entry without a command id");
            return new Entry(id, (Command<?>) json.treeToValue(node.get("command"), c), node.path("leader_term").asLong(0));
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable log entry: " + e.getMessage(), e);
        }
    }

    public byte[] encodeResult(long index, Object result) {
        ObjectNode node = json.createObjectNode();
        node.put("index", index);
        node.set("result", json.valueToTree(result));
        return write(node);
    }

    public byte[] encodeRejection(long index, String reason) {
        ObjectNode node = json.createObjectNode();
        node.put("index", index);
        node.put("rejected", reason == null ? "rejected" : reason);
        return write(node);
    }

    /** A leader's decision committed in a term its submitter did not lead: refused on every server alike. */
    public byte[] encodeFenced(long index, String reason) {
        ObjectNode node = json.createObjectNode();
        node.put("index", index);
        node.put("rejected", reason);
        node.put("fenced", true);
        return write(node);
    }

    public Outcome decodeOutcome(byte[] bytes) {
        try {
            return outcome(json.readTree(bytes));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable apply outcome: " + e.getMessage(), e);
        }
    }

    private static Outcome outcome(JsonNode node) {
        return new Outcome(node.path("index").asLong(), node.get("result"),
                node.hasNonNull("rejected") ? node.get("rejected").asText() : null, node.path("fenced").asBoolean(false));
    }

    /** The result as the type {@code Command<R>} declares (String, Long, Integer, Boolean or Void). */
    public <R> R resultOf(Command<R> command, JsonNode result) {
        Class<?> type = resultType(command.getClass());
        if (type == Void.class || result == null || result.isNull()) return null;
        try {
            @SuppressWarnings("unchecked")
            R r = (R) json.treeToValue(result, type);
            return r;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("result of " + command.getClass().getSimpleName() + " is not a " + type.getSimpleName(), e);
        }
    }

    static Class<?> resultType(Class<?> commandClass) {
        for (Type t : commandClass.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p && p.getRawType() == Command.class) {
                Type arg = p.getActualTypeArguments()[0];
                if (arg instanceof Class<?> c) return c;
            }
        }
        throw new IllegalStateException(commandClass.getName() + " does not declare its result type");
    }

    private byte[] write(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + node.path("type").asText("outcome"), e);
        }
    }
}
