package dev.yoq.cluster.gossip;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * Many {@link Swim} instances on an in-memory network driven by simulated time: nothing sleeps, and a run is a pure
 * function of its seed. Messages are routed by address like UDP, each lost with probability {@code loss} and
 * otherwise delivered after a delay drawn from {@code [minDelayMs, maxDelayMs]}; a killed node neither ticks nor
 * receives. Messages travel as objects (the codec has its own tests), which keeps 1,000 nodes fast.
 */
final class SimulatedNetwork {
    static final int PORT = 7946;

    /** Receives every membership event: when, which node saw it, what. */
    interface EventSink {
        void accept(long timeMs, long observer, SwimEvent event);
    }

    private record Scheduled(long time, long order, Node node, GossipMessage message, Member sender) {
        boolean isTick() {
            return message == null;
        }
    }

    /** One simulated node. */
    static final class Node {
        final long id;
        final Swim swim;
        boolean killed;

        Node(long id, Swim swim) {
            this.id = id;
            this.swim = swim;
        }
    }

    private final SwimConfig config;
    private final SplittableRandom random;
    private final double loss;
    private final int minDelayMs;
    private final int maxDelayMs;
    private final EventSink sink;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>((a, b) ->
            a.time() != b.time() ? Long.compare(a.time(), b.time()) : Long.compare(a.order(), b.order()));
    private final Map<Long, Node> byAddress = new HashMap<>();
    private final LinkedHashMap<Long, Node> nodes = new LinkedHashMap<>();
    private long order;
    private long now;
    private long delivered;
    private long lost;

    SimulatedNetwork(SwimConfig config, long seed, double loss, int minDelayMs, int maxDelayMs, EventSink sink) {
        this.config = config;
        this.random = new SplittableRandom(seed);
        this.loss = loss;
        this.minDelayMs = minDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.sink = sink;
    }

    /** The address of node {@code id}: 10.x.y.z from the id's low 24 bits, port 7946. */
    static Member memberFor(long id) {
        return new Member(id, 10 << 24 | (int) (id & 0xFFFFFF), PORT, MemberState.ALIVE, 0);
    }

    /** Adds node {@code id} knowing {@code seeds}; its first tick is at {@code startAtMs}. */
    Node add(long id, List<Member> seedMembers, long startAtMs) {
        Member self = memberFor(id);
        Node node = new Node(id, new Swim(config, self, seedMembers, random.split()));
        nodes.put(id, node);
        byAddress.put(addressKey(self.ipv4(), self.port()), node);
        schedule(Math.max(startAtMs, now), node, null, null);
        return node;
    }

    /** Stops node {@code id} for good: as if its process died. */
    void kill(long id) {
        nodes.get(id).killed = true;
    }

    Node node(long id) {
        return nodes.get(id);
    }

    Collection<Node> nodes() {
        return nodes.values();
    }

    List<Node> liveNodes() {
        List<Node> live = new ArrayList<>();
        for (Node n : nodes.values()) if (!n.killed) live.add(n);
        return live;
    }

    long now() {
        return now;
    }

    long delivered() {
        return delivered;
    }

    long lost() {
        return lost;
    }

    /** Runs every step up to and including {@code untilMs}. */
    void runUntil(long untilMs) {
        while (!queue.isEmpty() && queue.peek().time() <= untilMs) step(queue.poll());
        now = untilMs;
    }

    /**
     * Runs until {@code done} holds, checked every {@code checkEveryMs}, or {@code deadlineMs} passes.
     *
     * @return the simulated time at which {@code done} was first seen to hold, or -1
     */
    long runUntil(long deadlineMs, long checkEveryMs, BooleanSupplier done) {
        for (long t = now; t <= deadlineMs; t += checkEveryMs) {
            runUntil(t);
            if (done.getAsBoolean()) return t;
        }
        return -1;
    }

    private void step(Scheduled s) {
        now = s.time();
        Node node = s.node();
        if (node.killed) return;
        Swim.Output output;
        if (s.isTick()) {
            output = node.swim.tick(now);
            schedule(now + config.tickMs(), node, null, null);
        } else {
            delivered++;
            output = node.swim.receive(now, s.message(), s.sender().ipv4(), s.sender().port());
        }
        for (SwimEvent event : output.events()) sink.accept(now, node.id, event);
        Member sender = node.swim.self();
        for (Swim.Outgoing outgoing : output.messages()) {
            Node to = byAddress.get(addressKey(outgoing.to().ipv4(), outgoing.to().port()));
            if (to == null || random.nextDouble() < loss) {
                lost++;
                continue;
            }
            schedule(now + minDelayMs + random.nextInt(maxDelayMs - minDelayMs + 1), to, outgoing.message(), sender);
        }
    }

    private void schedule(long time, Node node, GossipMessage message, Member sender) {
        queue.add(new Scheduled(time, order++, node, message, sender));
    }

    private static long addressKey(int ipv4, int port) {
        return (ipv4 & 0xFFFFFFFFL) << 16 | port;
    }
}
