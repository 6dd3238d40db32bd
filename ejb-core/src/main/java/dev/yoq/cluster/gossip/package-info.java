/**
 * SWIM gossip membership between yoq nodes: who is in the cluster and who is alive, suspect or dead.
 * <p>
 * {@link dev.yoq.cluster.gossip.Swim} is the protocol as a pure, deterministic state machine (no I/O, no clock,
 * no threads; randomness injected), fed with time ({@code tick}) and decoded messages ({@code receive}) and
 * answering with the messages to send and the {@link dev.yoq.cluster.gossip.SwimEvent}s the application sees.
 * {@link dev.yoq.cluster.gossip.GossipFrame} is the authenticated UDP wire format
 * ({@code sender_id u64 LE ‖ HMAC-SHA256 tag ‖ payload}, ≤ 1500 bytes), and
 * {@link dev.yoq.cluster.gossip.UdpGossip} the thin transport that ties one to a datagram socket.
 * {@link dev.yoq.cluster.gossip.SwimConfig} holds every tunable with the spec defaults and the timing maths.
 * <p>
 * Summary of the rules (spec): a gossip tick is 500 ms; every probe interval a node pings one member (round
 * robin over a shuffled list); no ack within one tick → {@code ping_req} through K = 3 random members; no direct or
 * indirect ack by the next probe round → SUSPECT; suspect longer than the suspect timeout → DEAD; dead longer than
 * the dead timeout → forgotten. Intervals scale with {@code min(ceil_log2(N), 10)}. State changes travel
 * piggybacked (≤ 6 per message, dead &gt; suspect &gt; alive, each ceil(log2 N)+1 times); conflicts resolve by
 * incarnation, then dead &gt; suspect &gt; alive; an accused node refutes with a higher incarnation.
 * <p>
 * Where the spec leaves room, {@code Swim} adds what a 1,000-node cluster with 5% loss needs to converge and to
 * never declare a live node dead (see its documentation): a gossip ping every tick while there is news; fresh news
 * newest first, and refutations at the priority of the accusation they answer; messages to an accused member lead
 * with the accusation, answers to an outdated accusation lead with the newer record, and probes re-assert the
 * prober's suspicions; an unknown sender is learned from the address its datagram came from, and members learned
 * second-hand are pinged until they answer.
 */
package dev.yoq.cluster.gossip;
