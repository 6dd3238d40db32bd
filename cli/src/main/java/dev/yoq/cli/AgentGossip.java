package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.cluster.ClusterKey;
import dev.yoq.cluster.gossip.GossipIds;
import dev.yoq.cluster.gossip.Member;
import dev.yoq.cluster.gossip.SwimConfig;
import dev.yoq.cluster.gossip.UdpGossip;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * This agent's SWIM member (spec §5.4: UDP 9800 on the address the servers reach it on, frames authenticated with
 * the key derived from the join token), started once a heartbeat answer names the servers' gossip addresses and
 * started again under a new id after the agent registered again. Without it the agent is still known by its
 * heartbeats; a failure to listen is printed once.
 */
final class AgentGossip implements AutoCloseable {
    static final int DEFAULT_PORT = 9800;

    private final String joinToken;
    private final int port;
    private final PrintStream out;
    private final PrintStream err;
    private UdpGossip gossip;
    private String runningFor;
    private String lastProblem;

    AgentGossip(String joinToken, int port, PrintStream out, PrintStream err) {
        this.joinToken = joinToken;
        this.port = port;
        this.out = out;
        this.err = err;
    }

    /** Runs the member of {@code agentId} bound to {@code address}, seeded with {@code seeds} (the servers). */
    void ensure(String agentId, String address, JsonNode seeds) {
        if (gossip != null && agentId.equals(runningFor)) return;
        List<String> texts = new ArrayList<>();
        seeds.forEach(s -> texts.add(s.asText()));
        List<Member> members = GossipIds.parseSeeds(texts);
        if (members.isEmpty()) return;   // a server of an older yoq: no gossip
        close();
        UdpGossip g = null;
        try {
            // a server on this node gossips on its Raft port + 100, 9800 by default like an agent: then (or when the
            // port is taken) any free port does, the servers learn it from the datagrams
            boolean serverHere = members.stream().anyMatch(m -> m.ip().equals(address));
            try {
                g = open(agentId, address, serverHere ? 0 : port, members);
            } catch (java.net.BindException taken) {
                g = open(agentId, address, 0, members);
            }
            g.start();
            gossip = g;
            runningFor = agentId;
            out.println("gossip on " + g.self().address() + " (" + members.size() + " servers as seeds)");
        } catch (IOException | RuntimeException e) {
            if (g != null) closeQuietly(g);
            String problem = "gossip: cannot listen on " + address + ":" + port + ": " + e.getMessage()
                    + " (this agent stays known by its heartbeats)";
            if (!problem.equals(lastProblem)) err.println(problem);
            lastProblem = problem;
        }
    }

    private UdpGossip open(String agentId, String address, int onPort, List<Member> seeds) throws IOException {
        return UdpGossip.open(SwimConfig.DEFAULT, ClusterKey.fromJoinToken(joinToken), GossipIds.ofAgent(agentId),
                new InetSocketAddress(address, onPort), seeds, id -> true, new SplittableRandom(), e -> { });
    }

    private static void closeQuietly(UdpGossip g) {
        try {
            g.close();
        } catch (IOException ignored) {   // it never ran
        }
    }

    @Override
    public void close() {
        UdpGossip g = gossip;
        gossip = null;
        runningFor = null;
        if (g == null) return;
        try {
            g.close();
        } catch (IOException e) {
            err.println("gossip: closing: " + e.getMessage());
        }
    }
}
