package dev.yoq.cluster.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.state.Command;
import dev.yoq.state.CommandRejectedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real Ratis servers on loopback, each applying the log to its own SQLite file through the same state
 * machine as a single node: the replicated command bus end to end.
 */
class ReplicatedBusTest {
    @TempDir Path dir;
    RaftLab lab;

    @AfterEach
    void close() throws Exception {
        if (lab != null) lab.close();
    }

    static Command.RecordAudit audit(int i) {
        return new Command.RecordAudit("tester", "write", "item-" + i, "ok", 1_000L + i);
    }

    @Test
    void a_command_submitted_anywhere_is_applied_once_on_every_server_with_the_result_from_apply() throws Exception {
        lab = new RaftLab(dir, 3, 1000);
        lab.startAll();
        int leader = lab.awaitLeader(15_000);
        assertThat(leader).isNotNegative();
        int follower = lab.anyFollower(leader);

        Long first = lab.nodes[leader].submit(audit(1));
        Long second = lab.nodes[follower].submit(audit(2)); // forwarded to the leader by Ratis' client
        assertThat(second).isEqualTo(first + 1);
        // read-your-writes: the submitting follower has applied its own command when submit returns
        assertThat(lab.count(follower, "SELECT count(*) FROM audit_log WHERE target = 'item-2'")).isEqualTo(1);

        assertOnEveryServer(2, "SELECT count(*) FROM audit_log WHERE actor = 'tester'");
    }

    /** {@code leader} hands leadership on; returns the new leader once the old one knows it no longer leads. */
    private int stepDown(int leader) throws Exception {
        assertThat(lab.nodes[leader].stepDown(10_000)).isTrue();
        int next = lab.awaitLeader(10_000);
        assertThat(next).isNotNegative();
        long deadline = System.currentTimeMillis() + 10_000;
        while (lab.nodes[leader].isLeader() && System.currentTimeMillis() < deadline) Thread.sleep(20);
        assertThat(lab.nodes[leader].isLeader()).isFalse();
        assertThat(next).isNotEqualTo(leader);
        return next;
    }

    /** Every server applied everything, counts {@code expected} with each query, and holds identical tables. */
    private void assertOnEveryServer(long expected, String... counts) throws Exception {
        assertThat(lab.awaitAllApplied(lab.maxApplied(), 10_000)).isTrue();
        for (int i = 0; i < 3; i++) {
            for (String sql : counts) assertThat(lab.count(i, sql)).as("server %d: %s", i, sql).isEqualTo(expected);
        }
        assertThat(lab.checksum(1)).isEqualTo(lab.checksum(0)).isEqualTo(lab.checksum(2));
    }

    @Test
    void a_refused_command_is_refused_on_every_server_and_writes_nothing() throws Exception {
        lab = new RaftLab(dir, 3, 1000);
        lab.startAll();
        int leader = lab.awaitLeader(15_000);
        lab.nodes[leader].submit(new Command.RegisterNode("node-a", "both", "host-a", "1", 1));
        assertThatThrownBy(() -> lab.nodes[lab.anyFollower(leader)].submit(new Command.RegisterNode("node-b", "both", "host-b", "1", 2)))
                .isInstanceOf(CommandRejectedException.class);
        lab.nodes[leader].submit(audit(3)); // the log goes on after a refusal
        assertThat(lab.awaitAllApplied(lab.maxApplied(), 5_000)).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(lab.count(i, "SELECT count(*) FROM nodes")).isEqualTo(1);
            assertThat(lab.count(i, "SELECT count(*) FROM nodes WHERE id = 'node-a'")).isEqualTo(1);
        }
        assertThat(lab.checksum(1)).isEqualTo(lab.checksum(0)).isEqualTo(lab.checksum(2));
    }

    @Test
    void a_server_with_another_join_token_is_refused_and_applies_nothing() throws Exception {
        lab = new RaftLab(dir, 3, 1000);
        lab.keys[2] = dev.yoq.cluster.ClusterKey.fromJoinToken("a-guessed-token");
        lab.startAll();
        int leader = lab.awaitLeader(15_000);
        assertThat(leader).isIn(0, 1);   // the two that trust each other form the majority
        lab.nodes[leader].submit(audit(1));
        assertThat(lab.awaitAllApplied(0, 1_000)).isFalse();   // the stranger applies nothing
        assertThat(lab.nodes[2].appliedIndex()).isLessThan(0);
        assertThat(lab.count(2, "SELECT count(*) FROM audit_log")).isZero();
        // the stranger refuses the members' certificates only once its own election timer sends a vote request,
        // which a loaded machine may delay past the second above: wait for both sides, bounded
        assertThat(awaitTrue(15_000, () -> lab.nodes[0].refusedConnections() + lab.nodes[1].refusedConnections() > 0)).isTrue();
        assertThat(awaitTrue(15_000, () -> lab.nodes[2].refusedConnections() > 0)).isTrue();
        assertThat(lab.nodes[2].appliedIndex()).isLessThan(0);
    }

    private static boolean awaitTrue(long timeoutMs, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(50);
        }
        return true;
    }

    @Test
    void the_leader_dies_a_new_one_takes_over_nothing_acknowledged_is_lost_and_it_catches_up() throws Exception {
        lab = new RaftLab(dir, 3, 1000);
        lab.startAll();
        int leader = lab.awaitLeader(15_000);
        List<Long> acknowledged = new ArrayList<>();
        for (int i = 0; i < 20; i++) acknowledged.add(lab.nodes[leader].submit(audit(i)));

        lab.stop(leader);
        long stoppedAt = System.nanoTime();
        int next = lab.awaitLeader(10_000);
        long electionMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        assertThat(next).isNotNegative().isNotEqualTo(leader);
        assertThat(electionMs).as("new leader after %d ms", electionMs).isLessThan(5_000);
        acknowledged.add(lab.nodes[next].submit(audit(100)));

        lab.start(leader);
        assertThat(lab.awaitAllApplied(lab.maxApplied(), 15_000)).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(lab.count(i, "SELECT count(*) FROM audit_log WHERE actor = 'tester'")).isEqualTo(21);
        }
        assertThat(lab.checksum(leader)).isEqualTo(lab.checksum(next));
    }

    @Test
    void a_crashed_server_replays_its_log_over_a_database_that_is_ahead_without_applying_twice() throws Exception {
        lab = new RaftLab(dir, 3, 1000);
        lab.startAll();
        int leader = lab.awaitLeader(15_000);
        int crashed = lab.anyFollower(leader);
        for (int i = 0; i < 15; i++) lab.nodes[leader].submit(audit(i));
        assertThat(lab.awaitAllApplied(lab.maxApplied(), 5_000)).isTrue();
        lab.stop(crashed);
        // a SIGKILL leaves no snapshot behind (a clean stop takes one): Ratis replays from index 0
        Path storage = dir.resolve("s" + (crashed + 1)).resolve("raft");
        try (var files = java.nio.file.Files.walk(storage)) {
            files.filter(p -> p.getFileName().toString().startsWith("snapshot.")).forEach(p -> p.toFile().delete());
        }
        lab.start(crashed);
        lab.nodes[leader].submit(audit(99));
        assertThat(lab.awaitAllApplied(lab.maxApplied(), 15_000)).isTrue();
        assertThat(lab.count(crashed, "SELECT count(*) FROM audit_log WHERE actor = 'tester'")).isEqualTo(16);
        assertThat(lab.checksum(crashed)).isEqualTo(lab.checksum(leader));
    }

    @Test
    void a_server_that_lost_its_disk_is_rebuilt_from_a_snapshot() throws Exception {
        lab = new RaftLab(dir, 3, 25);
        lab.startAll();
        int leader = lab.awaitLeader(15_000);
        int lost = lab.anyFollower(leader);
        lab.wipe(lost);
        for (int i = 0; i < 80; i++) lab.nodes[leader].submit(audit(i)); // three snapshots; the log is purged behind them
        lab.start(lost);
        assertThat(lab.awaitAllApplied(lab.maxApplied(), 20_000)).isTrue();
        assertThat(lab.count(lost, "SELECT count(*) FROM audit_log WHERE actor = 'tester'")).isEqualTo(80);
        assertThat(lab.checksum(lost)).isEqualTo(lab.checksum(leader));
        assertThat(dir.resolve("s" + (lost + 1)).resolve("raft").toFile().exists()).isTrue();
    }

    @Test
    void a_deposed_leaders_decision_is_refused_by_every_server_and_the_new_leaders_lands() throws Exception {
        lab = new RaftLab(dir, 3, 1000);
        lab.startAll();
        int leader = lab.awaitLeader(15_000);
        long oldTerm = lab.nodes[leader].term();
        assertThat(lab.nodes[leader].submit(audit(1), true)).as("the leader's decision in its own term").isNotNull();
        int next = stepDown(leader);

        // a decision taken while it led, submitted after it lost: Ratis' client forwards it to the new leader, which
        // appends it in the new term, and every state machine refuses it
        assertThatThrownBy(() -> lab.nodes[leader].submitInTerm(audit(2), oldTerm))
                .isInstanceOf(dev.yoq.state.LeadershipLostException.class)
                .hasMessageContaining("decided by the leader of term " + oldTerm);
        // asked as a follower, refused before anything is sent
        assertThatThrownBy(() -> lab.nodes[leader].submit(audit(3), true))
                .isInstanceOf(dev.yoq.state.LeadershipLostException.class).hasMessageContaining("does not lead");
        // anyone's command from the old leader still lands (forwarded), and so does the new leader's decision
        lab.nodes[leader].submit(audit(4));
        lab.nodes[next].submit(audit(5), true);

        assertOnEveryServer(0, "SELECT count(*) FROM audit_log WHERE target IN ('item-2', 'item-3')");
        assertOnEveryServer(3, "SELECT count(*) FROM audit_log WHERE target IN ('item-1', 'item-4', 'item-5')");
    }

    @Test
    void concurrent_submits_share_log_entries_each_with_its_own_outcome_and_a_refused_one_writes_nothing() throws Exception {
        lab = new RaftLab(dir, 3, 100_000);
        lab.startAll();
        int leader = lab.awaitLeader(15_000);
        lab.nodes[leader].submit(new Command.RegisterNode("taken", "both", "h", "1", 0));
        long entriesBefore = lab.nodes[leader].entriesAndCommandsSent()[0];
        int threads = 24, each = 20;
        java.util.concurrent.ConcurrentHashMap<String, Object> answers = new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            Thread c = new Thread(() -> {
                for (int i = base; i < base + each; i++) {
                    // every tenth asks for a node name already taken: refused, while its neighbours in the entry land
                    Command<?> command = i % 10 == 5 ? new Command.RegisterNode("taken", "both", "h", "1", i) : audit(i);
                    try {
                        answers.put("item-" + i, lab.nodes[leader].submit(command));
                    } catch (CommandRejectedException refused) {
                        answers.put("item-" + i, "refused");
                    } catch (RuntimeException e) {
                        answers.put("item-" + i, e);
                    }
                }
            });
            c.start();
            clients.add(c);
        }
        for (Thread c : clients) c.join(60_000);

        assertThat(answers).hasSize(threads * each);
        long audits = answers.values().stream().filter(a -> a instanceof Long).count();
        long refused = answers.values().stream().filter("refused"::equals).count();
        assertThat(answers.values()).as("only results and refusals").allMatch(a -> a instanceof Long || "refused".equals(a));
        assertThat(audits).isEqualTo(threads * each - threads * each / 10);
        assertThat(answers.values().stream().filter(a -> a instanceof Long).distinct().count()).as("each audit its own row").isEqualTo(audits);
        long entries = lab.nodes[leader].entriesAndCommandsSent()[0] - entriesBefore;
        System.out.println("group commit: " + threads * each + " submits in " + entries + " log entries (" + refused + " refused)");
        assertThat(entries).as("log entries for %d submits from %d threads", threads * each, threads).isLessThan(threads * each);
        assertOnEveryServer(audits, "SELECT count(*) FROM audit_log WHERE actor = 'tester'");
        assertOnEveryServer(1, "SELECT count(*) FROM nodes");
    }

    @Test
    void step_down_hands_leadership_to_another_server() throws Exception {
        lab = new RaftLab(dir, 3, 1000);
        lab.startAll();
        int leader = lab.awaitLeader(15_000);
        Long first = lab.nodes[leader].submit(audit(1));
        long term = lab.nodes[leader].term();
        int next = stepDown(leader);
        assertThat(lab.nodes[next].term()).isGreaterThan(term);
        // the new leader decides once it applied an entry of its own term; the old one no longer decides at all
        long caughtUpBy = System.currentTimeMillis() + 5_000;
        while (!lab.nodes[next].leadsCaughtUp() && System.currentTimeMillis() < caughtUpBy) Thread.sleep(20);
        assertThat(lab.nodes[next].leadsCaughtUp()).isTrue();
        assertThat(lab.nodes[leader].leadsCaughtUp()).isFalse();
        // the old leader's submits now go to the new one
        assertThat(lab.nodes[leader].submit(audit(2))).isEqualTo(first + 1);
    }
}
