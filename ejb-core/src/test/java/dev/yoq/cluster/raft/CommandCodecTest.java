package dev.yoq.cluster.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.state.Command;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every command survives the trip through the log unchanged: the test builds each permitted record with
 * non-default values by reflection, so a command added later is covered without touching this test.
 */
class CommandCodecTest {
    final CommandCodec codec = new CommandCodec();

    @Test
    void every_command_round_trips_through_a_log_entry() throws Exception {
        Class<?>[] commands = Command.class.getPermittedSubclasses();
        assertThat(commands).hasSizeGreaterThan(25);
        for (Class<?> c : commands) {
            Command<?> command = (Command<?>) sample(c, 0);
            byte[] bytes = codec.encode("cmd-1", command);
            CommandCodec.Entry entry = codec.decode(bytes);
            assertThat(entry.commandId()).isEqualTo("cmd-1");
            assertThat(entry.command()).as(c.getSimpleName()).isEqualTo(command);
        }
    }

    @Test
    void an_agents_report_written_before_it_carried_its_time_still_decodes_without_one() {
        Command.ReportAssignment now = new Command.ReportAssignment("aaaaaaaaaaaa", "w1", "stopped", "exited with code 0", 9_000L);
        String json = new String(codec.encode("c1", now), StandardCharsets.UTF_8);
        assertThat(json).contains("9000");
        String before = json.replaceAll(",?\"at\":9000", "");
        assertThat(before).doesNotContain("9000");
        assertThat(codec.decode(before.getBytes(StandardCharsets.UTF_8)).command())
                .isEqualTo(new Command.ReportAssignment("aaaaaaaaaaaa", "w1", "stopped", "exited with code 0", null));
    }

    @Test
    void a_leaders_decision_carries_its_term_and_anyones_command_none() {
        Command.RecordAudit audit = new Command.RecordAudit("me", "a", "t", "ok", 1);
        assertThat(codec.decode(codec.encode("c1", audit, 7)).leaderTerm()).isEqualTo(7);
        assertThat(codec.decode(codec.encode("c2", audit)).leaderTerm()).isZero();
        assertThat(new String(codec.encode("c2", audit), StandardCharsets.UTF_8)).doesNotContain("leader_term");
        CommandCodec.Outcome fenced = codec.decodeOutcome(codec.encodeFenced(14, "decided by the leader of term 7"));
        assertThat(fenced.fenced()).isTrue();
        assertThat(fenced.isRejected()).isTrue();
        assertThat(codec.decodeOutcome(codec.encodeRejection(15, "no")).fenced()).isFalse();
    }

    @Test
    void submits_made_together_travel_as_one_batch_entry_and_their_outcomes_as_one_list() {
        Command.RecordAudit audit = new Command.RecordAudit("me", "a", "t", "ok", 1);
        byte[] batch = CommandCodec.encodeBatch(List.of(codec.encode("c1", audit), codec.encode("c2", audit, 4), codec.encode("c3", audit)));
        CommandCodec.Decoded d = codec.decodeAll(batch);
        assertThat(d.batch()).isTrue();
        assertThat(d.entries()).extracting(CommandCodec.Entry::commandId).containsExactly("c1", "c2", "c3");
        assertThat(d.entries()).extracting(CommandCodec.Entry::leaderTerm).containsExactly(0L, 4L, 0L);
        assertThat(d.entries().get(1).command()).isEqualTo(audit);
        assertThat(codec.decodeAll(codec.encode("c4", audit)).batch()).isFalse();
        assertThatThrownBy(() -> codec.decodeAll("{\"batch\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without entries");
        // one element that does not decode is refused alone: its batch-mates still decode
        CommandCodec.Decoded mixed = codec.decodeAll(CommandCodec.encodeBatch(List.of(codec.encode("c5", audit),
                "{\"type\":\"NoSuchCommand\",\"id\":\"c6\",\"command\":{}}".getBytes(StandardCharsets.UTF_8))));
        assertThat(mixed.entries().get(0).problem()).isNull();
        assertThat(mixed.entries().get(1).commandId()).isEqualTo("c6");
        assertThat(mixed.entries().get(1).problem()).contains("unknown command type");

        List<CommandCodec.Outcome> outcomes = codec.decodeOutcomes(codec.encodeOutcomes(9, List.of(codec.encodeResult(9, 5L),
                codec.encodeRejection(9, "name taken"), codec.encodeFenced(9, "old term"))));
        assertThat(outcomes).hasSize(3);
        assertThat(codec.resultOf(audit, outcomes.get(0).result())).isEqualTo(5L);
        assertThat(outcomes.get(1).rejected()).isEqualTo("name taken");
        assertThat(outcomes.get(1).fenced()).isFalse();
        assertThat(outcomes.get(2).fenced()).isTrue();
        assertThat(outcomes).extracting(CommandCodec.Outcome::index).containsOnly(9L);
    }

    @Test
    void results_come_back_as_the_declared_type() {
        Command.RecordAudit audit = new Command.RecordAudit("me", "a", "t", "ok", 1);
        CommandCodec.Outcome o = codec.decodeOutcome(codec.encodeResult(12, 7L));
        assertThat(o.index()).isEqualTo(12);
        assertThat(codec.resultOf(audit, o.result())).isEqualTo(7L);
        CommandCodec.Outcome rejected = codec.decodeOutcome(codec.encodeRejection(13, "name taken"));
        assertThat(rejected.isRejected()).isTrue();
        assertThat(rejected.rejected()).isEqualTo("name taken");
        assertThat(CommandCodec.resultType(Command.RemoveContainer.class)).isEqualTo(Void.class);
    }

    @Test
    void entries_written_before_agent_tokens_and_run_details_still_decode_with_those_fields_unset() {
        CommandCodec.Entry agent = codec.decode(("{\"type\":\"RegisterAgent\",\"id\":\"c1\",\"command\":{\"id\":\"0123456789ab\","
                + "\"address\":\"10.0.0.9\",\"agentApiPort\":7701,\"cpuCores\":2,\"memoryMb\":512,\"wgListenPort\":51820,"
                + "\"role\":\"both\",\"gpuCount\":0,\"gpuVramMb\":0,\"at\":5}}").getBytes(StandardCharsets.UTF_8));
        assertThat(((Command.RegisterAgent) agent.command()).tokenHash()).as("an agent of that time keeps the join token").isNull();
        CommandCodec.Entry place = codec.decode(("{\"type\":\"PlaceAssignments\",\"id\":\"c2\",\"command\":{\"created\":[{\"id\":"
                + "\"0123456789ab\",\"agentId\":\"\",\"image\":\"reg/web:1\",\"command\":\"\",\"cpuLimit\":100,\"memoryLimitMb\":64}],"
                + "\"placed\":[],\"stillWaiting\":{},\"at\":5}}").getBytes(StandardCharsets.UTF_8));
        Command.NewAssignment a = ((Command.PlaceAssignments) place.command()).created().get(0);
        assertThat(a.requiredLabels()).isNull();
        assertThat(a.details()).as("stored as no details ('{}') by the state machine").isNull();
    }

    @Test
    void unknown_types_missing_ids_and_garbage_are_refused_by_name() {
        assertThatThrownBy(() -> codec.decode("{\"type\":\"DropTables\",\"id\":\"x\",\"command\":{}}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("unknown command type in log entry: DropTables");
        assertThatThrownBy(() -> codec.decode("{\"type\":\"RecordAudit\",\"command\":{}}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("without a command id");
        assertThatThrownBy(() -> codec.decode("{{{".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("unreadable log entry");
        String deep = "[".repeat(1000) + "]".repeat(1000);
        assertThatThrownBy(() -> codec.decode(("{\"type\":\"RecordAudit\",\"id\":\"x\",\"command\":" + deep + "}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("unreadable log entry");
    }

    @Test
    void an_entry_over_the_cap_is_refused_before_it_is_proposed() {
        String big = "x".repeat(CommandCodec.MAX_ENTRY_BYTES);
        assertThatThrownBy(() -> codec.encode("id", new Command.RecordAudit(big, "a", "t", "ok", 1)))
                .hasMessageContaining("RecordAudit is").hasMessageContaining("at most " + CommandCodec.MAX_ENTRY_BYTES);
    }

    /** A value for every record component, distinct from the type's default so that a dropped field shows. */
    static Object sample(Type type, int depth) throws Exception {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == dev.yoq.node.protocol.PortMapping.class) return new dev.yoq.node.protocol.PortMapping("udp", 8053, 53);
        if (raw == String.class) return "s" + depth;
        if (raw == long.class || raw == Long.class) return 41L + depth;
        if (raw == int.class || raw == Integer.class) return 7 + depth;
        if (raw == boolean.class || raw == Boolean.class) return true;
        if (raw == double.class || raw == Double.class) return 1.5;
        if (raw.isEnum()) return raw.getEnumConstants()[raw.getEnumConstants().length - 1];
        if (raw == List.class) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Object> list = new ArrayList<>();
            list.add(sample(element, depth + 1));
            return list;
        }
        if (raw == Map.class) {
            Type value = ((ParameterizedType) type).getActualTypeArguments()[1];
            return Map.of("k", sample(value, depth + 1));
        }
        if (raw.isRecord()) {
            RecordComponent[] components = raw.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Object[] args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                args[i] = sample(components[i].getGenericType(), depth + 1);
            }
            Constructor<?> canonical = raw.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(args);
        }
        throw new IllegalStateException("no sample for " + type);
    }
}
