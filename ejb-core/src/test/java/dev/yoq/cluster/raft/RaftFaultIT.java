package dev.yoq.cluster.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The replicated bus under real faults: three Raft server processes in a lab (own network and mount namespaces,
 * a lab bridge), killed with SIGKILL and cut off with nftables. Needs root (CI runs as root); skips loudly
 * otherwise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaftFaultIT {
    static LabCluster lab;

    @BeforeAll
    static void up() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) System.err.println("SKIPPED RaftFaultIT: needs root for the lab's namespaces");
        Assumptions.assumeTrue(root, "RaftFaultIT needs root (network namespaces)");
        Path script = Path.of("").toAbsolutePath().getParent().resolve("scripts/lab");
        Path logs = Files.createDirectories(Path.of("target", "raft-lab-logs"));
        lab = new LabCluster(script, logs, 3);
        for (int i = 1; i <= 3; i++) lab.start(i);
        assertThat(lab.awaitLeader(20_000, -1)).isPositive();
    }

    /** Each test starts from three healthy servers, whatever the one before it left (a failure must not cascade). */
    @BeforeEach
    void whole() throws Exception {
        if (lab != null) lab.restoreAll(60_000);
    }

    @AfterAll
    static void down() throws Exception {
        if (lab != null) lab.close();
    }

    /**
     * The goal is a new leader within 5 s of a leader's death. With the spec's election timeout of 1.5-3 s
     * that is a distribution, not a bound (a follower that still heard the dead leader within 1.5 s withholds its
     * vote, and the candidate waits out another timeout), so the figure is measured over many kills by
     * bench/failover.sh; this test asserts that an election happens at all, well within twice the goal, and that
     * nothing acknowledged is lost.
     */
    @Test
    @Order(1)
    void killing_the_leader_elects_another_and_loses_no_acknowledged_write() throws Exception {
        int leader = lab.awaitLeader(10_000, -1);
        Map<String, Long> acked = new HashMap<>();
        for (int k = 0; k < 20; k++) {
            Long id = lab.write(1 + k % 3, "k" + k, "v" + k);
            assertThat(id).as("write k%d", k).isNotNull();
            acked.put("k" + k, id);
        }
        long killedAt = System.nanoTime();
        lab.kill(leader);
        int next = lab.awaitLeader(20_000, leader);
        long ms = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("new leader s%d %d ms after killing s%d%n", next, ms, leader);
        assertThat(next).as("a new leader within 20 s").isPositive();
        assertThat(ms).as("new leader after %d ms", ms).isLessThan(10_000);
        assertThat(lab.write(next, "after", "kill")).isNotNull();
        for (Map.Entry<String, Long> e : acked.entrySet()) {
            assertThat(lab.awaitRead(next, e.getKey(), 10_000)).isEqualTo(e.getValue() + ":v" + e.getKey().substring(1));
        }
        lab.start(leader);
        assertThat(lab.awaitConverged(30_000)).as("the restarted server catches up").isTrue();
        assertThat(lab.awaitRead(leader, "after", 30_000)).endsWith(":kill");
    }

    @Test
    @Order(2)
    void a_cut_off_server_cannot_commit_the_majority_can_and_all_converge_after_healing() throws Exception {
        int cut = lab.awaitLeader(10_000, -1);   // cut the leader off: the harder case
        lab.isolate(cut);
        try {
            int status = lab.writeFromInside(cut, "cut", "from-the-minority");
            assertThat(status).as("a write on the cut-off server").isEqualTo(503);
            int majority = lab.awaitLeader(15_000, cut);
            assertThat(majority).isPositive();
            for (int k = 0; k < 10; k++) assertThat(lab.write(majority, "m" + k, "majority")).isNotNull();
        } finally {
            lab.heal(cut);
        }
        assertThat(lab.awaitConverged(30_000)).as("identical replicated tables after healing").isTrue();
        assertThat(lab.awaitRead(cut, "m9", 30_000)).endsWith(":majority");
    }

    /**
     * A history in the Jepsen manner: clients write and read five registers through random servers while a
     * nemesis kills and restarts, cuts off and heals servers. Afterwards every acknowledged write is there, and no
     * client ever read an older value of a register after a newer one (nor older than its own acknowledged write).
     */
    @Test
    @Order(3)
    void under_kills_and_partitions_no_acknowledged_write_is_lost_and_reads_never_go_back() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Map<String, List<Long>> ackedIds = new ConcurrentHashMap<>();
        Map<Long, String> ackedRows = new ConcurrentHashMap<>();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> clients = new ArrayList<>();
        int[] opsDone = new int[3];
        for (int c = 0; c < 3; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                Random random = new Random(1000 + client);
                Map<String, Long> seen = new HashMap<>();
                for (int seq = 0; running.get() && seq < 10_000; seq++) {
                    String key = "r" + random.nextInt(5);
                    int server = 1 + random.nextInt(3);
                    if (random.nextBoolean()) {
                        String value = "c" + client + "-" + seq;
                        Long id = lab.write(server, key, value);
                        if (id != null) {
                            ackedRows.put(id, key + "=" + value);
                            ackedIds.computeIfAbsent(key, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(id);
                            seen.merge(key, id, Math::max);
                        }
                    } else {
                        String r = lab.read(server, key);
                        if (r != null && !r.isEmpty()) {
                            long id = Long.parseLong(r.substring(0, r.indexOf(':')));
                            Long before = seen.get(key);
                            if (before != null && id < before) {
                                violations.add("client " + client + " read " + key + "=" + r + " from s" + server + " after seeing id " + before);
                            }
                            seen.merge(key, id, Math::max);
                        }
                    }
                    opsDone[client]++;
                }
            });
            t.start();
            clients.add(t);
        }
        Random nemesis = new Random(7);
        long end = System.currentTimeMillis() + 24_000;
        for (int round = 0; System.currentTimeMillis() < end; round++) {
            int victim = 1 + nemesis.nextInt(3);
            if (round % 2 == 0) {
                lab.kill(victim);
                Thread.sleep(2_000);
                lab.start(victim);
            } else {
                lab.isolate(victim);
                Thread.sleep(3_000);
                lab.heal(victim);
            }
            Thread.sleep(2_000);
        }
        running.set(false);
        for (Thread t : clients) t.join(60_000);

        assertThat(violations).as("stale reads").isEmpty();
        // a floor that shows the history is not empty; an operation against a killed or cut-off server waits for
        // its timeout, so a loaded machine gets through ~100 in 24 s (402 on an idle one)
        assertThat(opsDone[0] + opsDone[1] + opsDone[2]).isGreaterThan(40);
        assertThat(lab.awaitConverged(60_000)).as("identical replicated tables at the end").isTrue();
        long acknowledged = ackedIds.values().stream().mapToLong(List::size).sum();
        assertThat(acknowledged).isGreaterThan(15);
        // every acknowledged write is present on every server, under the id it was acknowledged with
        for (int s = 1; s <= 3; s++) {
            for (Map.Entry<Long, String> w : ackedRows.entrySet()) {
                assertThat(lab.row(s, w.getKey())).as("write %d on s%d", w.getKey(), s).isEqualTo(w.getValue());
            }
            for (Map.Entry<String, List<Long>> e : ackedIds.entrySet()) {
                String latest = lab.awaitRead(s, e.getKey(), 30_000);
                long latestId = Long.parseLong(latest.substring(0, latest.indexOf(':')));
                long maxAcked = e.getValue().stream().mapToLong(Long::longValue).max().orElseThrow();
                assertThat(latestId).as("register %s on s%d", e.getKey(), s).isGreaterThanOrEqualTo(maxAcked);
            }
        }
        System.out.printf("history: %d operations, %d acknowledged writes, no stale read%n",
                opsDone[0] + opsDone[1] + opsDone[2], acknowledged);
    }
}
