package dev.yoq.cluster.raft;

import dev.yoq.state.Command;
import dev.yoq.state.CommandRejectedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;

/**
 * One server of the cluster's Raft group: the Ratis server with our {@link CommandStateMachine}, and the client
 * its command bus submits through (Ratis' client follows the leader, so a follower's submit is forwarded). A
 * submit returns the result computed by apply, after this server applied it itself (read-your-writes).
 */
public final class RaftNode implements AutoCloseable {
    /** The spec's decisions for our cluster: elections after 1.5-3 s of silence, a snapshot every 1,000 entries. */
    public static final TimeDuration ELECTION_MIN = TimeDuration.valueOf(1500, TimeUnit.MILLISECONDS);
    public static final TimeDuration ELECTION_MAX = TimeDuration.valueOf(3000, TimeUnit.MILLISECONDS);
    public static final long SNAPSHOT_EVERY = 1000;
    static final long APPLY_WAIT_MS = 10_000;
    /** How long a submit waits for a majority: a server cut off from it answers an error instead of hanging. */
    public static final long COMMIT_WAIT_MS = 15_000;

    private final RaftPeerAddress self;
    private final List<RaftPeerAddress> peers;
    private final RaftGroup group;
    private final CommandStateMachine stateMachine;
    private final RaftServer server;
    private volatile RaftClient client;
    private final RaftProperties properties;
    private final Parameters parameters;
    private final CommandCodec codec = new CommandCodec();
    private final GroupCommit groupCommit;

    private final ClusterTls tls;

    /**
     * {@code key} (from the join token) authenticates the servers to each other: see {@link ClusterTls}. Every
     * connection, between servers and from this server's client, is mutual TLS.
     */
    public RaftNode(UUID clusterId, RaftPeerAddress self, List<RaftPeerAddress> peers, Path storageDir,
                    CommandStateMachine stateMachine, long snapshotEvery, dev.yoq.cluster.ClusterKey key) throws IOException {
        this.self = self;
        this.peers = List.copyOf(peers);
        this.tls = new ClusterTls(key, self, peers.stream().map(RaftPeerAddress::id).collect(java.util.stream.Collectors.toSet()));
        this.stateMachine = stateMachine;
        this.group = RaftGroup.valueOf(RaftGroupId.valueOf(clusterId), peers.stream().map(RaftNode::peer).toList());
        RaftProperties properties = properties(storageDir, self.port(), snapshotEvery);
        Parameters parameters = new Parameters();
        org.apache.ratis.grpc.GrpcTlsConfig tlsConfig = new org.apache.ratis.grpc.GrpcTlsConfig(tls.keyManager(), tls.trustManager(), true);
        GrpcConfigKeys.Server.setTlsConf(parameters, tlsConfig);
        GrpcConfigKeys.Client.setTlsConf(parameters, tlsConfig);
        GrpcConfigKeys.Admin.setTlsConf(parameters, tlsConfig);
        this.server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(self.raftId()))
                .setGroup(group)
                .setProperties(properties)
                .setParameters(parameters)
                .setStateMachine(stateMachine)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        this.properties = properties;
        this.parameters = parameters;
        this.client = newClient();
        this.groupCommit = new GroupCommit(codec, this::send, "yoq-raft-submit-" + self.id());
    }

    private final ClientId directClient = ClientId.randomId();
    private final java.util.concurrent.atomic.AtomicLong directCalls = new java.util.concurrent.atomic.AtomicLong();

    /**
     * On the leader an entry goes straight into its Ratis server: two TLS hops fewer per commit than through the
     * client, and nothing to retry later. A follower (or a leader deposed meanwhile) sends it through the client,
     * which finds the leader.
     */
    private java.util.concurrent.CompletableFuture<RaftClientReply> send(byte[] entry, List<GroupCommit.Pending> batch) {
        Message message = Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(entry));
        if (isLeader()) {
            batch.forEach(p -> p.sentDirect = true);
            RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(directClient).setServerId(RaftPeerId.valueOf(self.raftId()))
                    .setGroupId(group.getGroupId()).setCallId(directCalls.incrementAndGet()).setMessage(message)
                    .setType(RaftClientRequest.writeRequestType()).build();
            try {
                return server.submitClientRequestAsync(request)
                        .thenCompose(reply -> notAppended(reply.getException()) && batch.stream().noneMatch(p -> p.givenUp)
                                ? viaClient(message, batch) : java.util.concurrent.CompletableFuture.completedFuture(reply));
            } catch (IOException notNow) {
                return viaClient(message, batch);
            }
        }
        return viaClient(message, batch);
    }

    /**
     * Refusals by which the leader says it did not take the entry, or gave up leading before committing it: sent again
     * through the client, unless a submitter in it was already told it failed. Should the first copy commit after
     * all, the command ids in the second make it answer the first's outcome, not apply again.
     */
    private static boolean notAppended(Throwable refusal) {
        return refusal instanceof org.apache.ratis.protocol.exceptions.NotLeaderException
                || refusal instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException
                || refusal instanceof org.apache.ratis.protocol.exceptions.LeaderSteppingDownException
                || refusal instanceof org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
    }

    private java.util.concurrent.CompletableFuture<RaftClientReply> viaClient(Message message, List<GroupCommit.Pending> batch) {
        RaftClient sending = client;
        batch.forEach(p -> p.sentWith = sending);   // written before givenUp is read; giveUp writes it before reading this
        if (batch.stream().anyMatch(p -> p.givenUp)) {
            return java.util.concurrent.CompletableFuture.failedFuture(new dev.yoq.state.NotCommittedException("given up before it was sent", null));
        }
        return sending.async().send(message);
    }

    private RaftClient newClient() {
        return RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(group)
                .setClientRpc(new GrpcFactory(parameters).newRaftClientRpc(ClientId.randomId(), properties))
                .build();
    }

    /**
     * A request the submitter gave up on must not be sent again by Ratis' client, which retries until it is
     * answered: a write answered "not committed" would otherwise be applied later after all. Closing the client
     * ends its retries; the next submit gets a fresh one. (A retry policy with a deadline is no alternative: Ratis'
     * ordered client refuses every later request once one of them ran out of retries.)
     */
    private synchronized void abandon(RaftClient given) {
        if (client != given) return;   // another submit already replaced it
        client = newClient();
        try {
            given.close();
        } catch (IOException | RuntimeException e) {
            java.util.logging.Logger.getLogger(RaftNode.class.getName()).fine("closing an abandoned Raft client: " + e);
        }
    }

    static RaftPeer peer(RaftPeerAddress a) {
        return RaftPeer.newBuilder().setId(a.raftId()).setAddress(a.address()).build();
    }

    static RaftProperties properties(Path storageDir, int port, long snapshotEvery) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(storageDir.toFile()));
        GrpcConfigKeys.Server.setPort(p, port);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, ELECTION_MIN);
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, ELECTION_MAX);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotEvery);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        // Ratis' appender waits at least 10 ms between batches by default, which is most of a commit's latency on
        // a LAN; group commit batches under load, so it need not wait at all (docs/benchmarks.md).
        RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.ZERO);
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        return p;
    }

    public void start() throws IOException {
        server.start();
    }

    /** Replicates {@code command}, then returns what applying it returned (or throws its rejection). */
    public <R> R submit(Command<R> command) {
        return submit(command, false);
    }

    /**
     * As {@link #submit(Command)}; {@code asLeader}: the command is this server's decision as leader, refused at
     * once unless it leads now, and by every server's state machine unless the entry was appended by the leader of
     * this very term
     * ({@link dev.yoq.state.LeadershipLostException} either way).
     */
    public <R> R submit(Command<R> command, boolean asLeader) {
        long term = 0;
        if (asLeader) {
            term = leadingTerm();
            if (term <= 0) {
                throw new dev.yoq.state.LeadershipLostException("server " + self.id() + " does not lead the cluster, and "
                        + command.getClass().getSimpleName() + " is the leader's decision");
            }
        }
        return submitInTerm(command, term);
    }

    /**
     * Whether this server leads and has applied what every earlier leader committed: an entry of its own term is
     * applied here (Ratis commits the new leader's first entry only after all before it). Until then its database may
     * lack a deposed leader's last decisions, which a leader pass must see before deciding again (a release's
     * placement, for one).
     */
    public boolean leadsCaughtUp() {
        long term = leadingTerm();
        return term > 0 && stateMachine.appliedTerm() >= term;
    }

    /** The term this server leads, or 0: read twice around the role so a term begun meanwhile is not taken for its own. */
    long leadingTerm() {
        try {
            var info = server.getDivision(group.getGroupId()).getInfo();
            long before = info.getCurrentTerm();
            boolean leads = info.isLeader();
            return leads && info.getCurrentTerm() == before ? before : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Submits {@code command} as the leader of {@code leaderTerm} (0: anyone's command); tests pass an old term. */
    <R> R submitInTerm(Command<R> command, long leaderTerm) {
        GroupCommit.Pending pending = groupCommit.submit(codec.encode(UUID.randomUUID().toString(), command, leaderTerm));
        CommandCodec.Outcome outcome;
        try {
            outcome = pending.outcome.get(COMMIT_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            giveUp(pending);
            throw new dev.yoq.state.NotCommittedException("the cluster did not commit " + command.getClass().getSimpleName() + " within "
                    + COMMIT_WAIT_MS + " ms (no majority reachable from server " + self.id() + "?); it may still commit later", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof GroupCommit.Refused)) giveUp(pending);
            Throwable why = e.getCause() instanceof GroupCommit.Refused r ? r.getCause() : e.getCause();
            throw new dev.yoq.state.NotCommittedException("the cluster did not commit " + command.getClass().getSimpleName() + ": " + why, why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.yoq.state.NotCommittedException("interrupted while committing " + command.getClass().getSimpleName(), e);
        }
        awaitLocally(outcome.index());
        if (outcome.fenced()) throw new dev.yoq.state.LeadershipLostException(outcome.rejected());
        if (outcome.isRejected()) throw new CommandRejectedException(outcome.rejected());
        return codec.resultOf(command, outcome.result());
    }

    /** {log entries this server's submits went out in, commands in them}: how much group commit batched. */
    public long[] entriesAndCommandsSent() {
        return groupCommit.sent();
    }

    /** A submit given up on: never sent, or the client it went out with stops retrying it (see {@link #abandon}). */
    private void giveUp(GroupCommit.Pending pending) {
        RaftClient sentWith = groupCommit.giveUp(pending);
        if (sentWith != null) abandon(sentWith);
    }

    /** A linearizable read barrier: returns once this server has applied everything committed before the call. */
    public void readBarrier() {
        RaftClient reading = client;
        RaftClientReply reply;
        try {
            reply = reading.async().sendReadOnly(Message.EMPTY).get(COMMIT_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            abandon(reading);
            throw new IllegalStateException("no read index within " + COMMIT_WAIT_MS + " ms (no leader reachable from server "
                    + self.id() + "?)", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("read index failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the read index", e);
        }
        if (!reply.isSuccess()) throw new IllegalStateException("read index failed: " + reply.getException());
        awaitLocally(Long.parseLong(reply.getMessage().getContent().toString(StandardCharsets.UTF_8)));
    }

    private void awaitLocally(long index) {
        try {
            if (!stateMachine.awaitApplied(index, APPLY_WAIT_MS)) {
                throw new dev.yoq.state.NotCommittedException("committed at index " + index + " but not applied on server " + self.id()
                        + " within " + APPLY_WAIT_MS + " ms", null, "not_applied_yet");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for index " + index, e);
        }
    }

    public boolean isLeader() {
        try {
            return server.getDivision(group.getGroupId()).getInfo().isLeader();
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code leader}, {@code follower} or {@code candidate} (the spec's words), as Ratis sees this server now. */
    public String role() {
        try {
            var info = server.getDivision(group.getGroupId()).getInfo();
            if (info.isLeader()) return "leader";
            if (info.isCandidate()) return "candidate";
            return "follower";
        } catch (IOException e) {
            return "follower";
        }
    }

    /** The leader this server knows of, or null while there is none (an election, a partition). */
    public RaftPeerAddress leader() {
        try {
            org.apache.ratis.protocol.RaftPeerId id = server.getDivision(group.getGroupId()).getInfo().getLeaderId();
            if (id == null) return null;
            return peers.stream().filter(p -> p.raftId().equals(id.toString())).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    public List<RaftPeerAddress> peers() { return peers; }

    public long term() {
        try {
            return server.getDivision(group.getGroupId()).getInfo().getCurrentTerm();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Hands leadership to the next server by id (Ratis first brings it up to date); true once it leads. Naming a
     * target matters: an untargeted step-down lets the old leader, with the longest log, win the election again.
     */
    public boolean stepDown(long timeoutMs) {
        List<RaftPeerAddress> others = peers.stream().filter(p -> p.id() != self.id())
                .sorted(java.util.Comparator.comparingInt(RaftPeerAddress::id)).toList();
        if (others.isEmpty()) return false;
        RaftPeerAddress target = others.stream().filter(p -> p.id() > self.id()).findFirst().orElse(others.get(0));
        try {
            return client.admin().transferLeadership(RaftPeerId.valueOf(target.raftId()), timeoutMs).isSuccess();
        } catch (IOException e) {
            return false;
        }
    }

    public long appliedIndex() { return stateMachine.appliedIndex(); }

    /** Connections refused because the peer's certificate was not this cluster's or named no configured peer. */
    public long refusedConnections() { return tls.refused(); }

    public RaftPeerAddress self() { return self; }

    @Override
    public void close() throws IOException {
        groupCommit.close();
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}
