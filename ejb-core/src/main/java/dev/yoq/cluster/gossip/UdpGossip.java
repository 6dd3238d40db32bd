package dev.yoq.cluster.gossip;

import dev.yoq.cluster.ClusterKey;
import dev.yoq.cluster.gossip.GossipFrame.FrameRefusedException;
import dev.yoq.cluster.gossip.GossipFrame.Refusal;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * The thin UDP transport of {@link Swim}: one non-blocking {@link DatagramChannel} and one thread that decodes
 * received frames ({@link GossipFrame}, refusals counted by reason), feeds them to the state machine, ticks it every
 * {@link SwimConfig#tickMs()}, and sends what it returns. No membership logic lives here.
 * <p>
 * Bounded: datagrams are read into one buffer of {@code MAX_FRAME_BYTES + 1} bytes (a longer datagram shows as
 * too large instead of being silently cut), at most {@value #MAX_READS_PER_WAKEUP} per wakeup so ticks are never
 * starved, and sends never block (a full socket buffer drops the datagram, counted, as the network might have).
 * Events go to the listener on the gossip thread, which must return quickly. Started and stopped explicitly;
 * {@link #close()} stops it and releases the socket.
 */
public final class UdpGossip implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UdpGossip.class.getName());
    static final int MAX_READS_PER_WAKEUP = 256;
    private static final long STOP_WAIT_MS = 5_000;

    private final SwimConfig config;
    private final ClusterKey key;
    private final LongPredicate knownPeer;
    private final Consumer<SwimEvent> listener;
    private final DatagramChannel channel;
    private final Selector selector;
    private final Swim swim;
    private final AtomicLongArray refused = new AtomicLongArray(Refusal.values().length);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile List<Member> view;
    private volatile Member selfView;
    private volatile boolean running;
    private Thread thread;

    private UdpGossip(SwimConfig config, ClusterKey key, LongPredicate knownPeer, Consumer<SwimEvent> listener,
                      DatagramChannel channel, Selector selector, Swim swim) {
        this.config = config;
        this.key = key;
        this.knownPeer = knownPeer;
        this.listener = listener;
        this.channel = channel;
        this.selector = selector;
        this.swim = swim;
        publish();
    }

    /**
     * Binds the socket (port 0: an ephemeral port, which then is the port this node gossips about itself) and builds
     * the state machine; call {@link #start()} to run it.
     *
     * @param bind      a concrete IPv4 address (it is what the other members will send to) and port
     * @param knownPeer which sender ids frames are accepted from
     * @param listener  receives the membership events, on the gossip thread
     */
    public static UdpGossip open(SwimConfig config, ClusterKey key, long selfId, InetSocketAddress bind,
                                 List<Member> seeds, LongPredicate knownPeer, RandomGenerator random,
                                 Consumer<SwimEvent> listener) throws IOException {
        if (!(bind.getAddress() instanceof Inet4Address) || bind.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("gossip binds a concrete IPv4 address, not " + bind);
        }
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        Selector selector = null;
        try {
            channel.bind(bind);
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
            Member self = new Member(selfId, ipv4(local.getAddress()), local.getPort(), MemberState.ALIVE, 0);
            return new UdpGossip(config, key, knownPeer, listener, channel, selector,
                    new Swim(config, self, seeds, random));
        } catch (IOException | RuntimeException e) {
            if (selector != null) selector.close();
            channel.close();
            throw e;
        }
    }

    /** Starts the gossip thread. */
    public synchronized void start() {
        if (thread != null || !channel.isOpen()) throw new IllegalStateException("already started, or closed");
        running = true;
        thread = new Thread(this::loop, "yoq-gossip-" + Long.toUnsignedString(selfView.id()));
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the thread (waiting for it to finish its step) and releases the socket; a stopped gossip stays stopped. */
    @Override
    public synchronized void close() throws IOException {
        running = false;
        selector.wakeup();
        if (thread != null) {
            try {
                thread.join(STOP_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        selector.close();
        channel.close();
    }

    /** This node as gossiped (with the bound port). */
    public Member self() {
        return selfView;
    }

    /** The other members as last seen by the gossip thread (refreshed every tick and on every event). */
    public List<Member> members() {
        return view;
    }

    /** Frames refused for {@code reason}. */
    public long refused(Refusal reason) {
        return refused.get(reason.ordinal());
    }

    /** Frames accepted and handed to the state machine. */
    public long received() {
        return received.get();
    }

    /** Datagrams sent. */
    public long sent() {
        return sent.get();
    }

    /** Datagrams not sent (socket buffer full or a send error). */
    public long dropped() {
        return dropped.get();
    }

    private void loop() {
        long start = System.nanoTime();
        long nextTick = 0;
        ByteBuffer buffer = ByteBuffer.allocate(GossipFrame.MAX_FRAME_BYTES + 1);
        while (running) {
            try {
                long now = elapsedMs(start);
                if (now >= nextTick) {
                    handle(swim.tick(now));
                    publish();
                    nextTick = Math.max(nextTick + config.tickMs(), now + 1);
                }
                selector.select(Math.max(1, nextTick - elapsedMs(start)));
                selector.selectedKeys().clear();
                drain(buffer, start);
            } catch (IOException | RuntimeException e) {
                if (!running || !channel.isOpen()) return;
                // a failed receive or step loses at most the datagram at hand; the loop goes on
                LOG.log(Level.WARNING, "gossip step failed", e);
                dropped.incrementAndGet();
            }
        }
    }

    private void drain(ByteBuffer buffer, long start) throws IOException {
        for (int i = 0; i < MAX_READS_PER_WAKEUP && running; i++) {
            buffer.clear();
            SocketAddress from = channel.receive(buffer);
            if (from == null) return;
            byte[] frame = Arrays.copyOf(buffer.array(), buffer.position());
            GossipMessage message;
            try {
                message = GossipFrame.decode(key, frame, knownPeer);
            } catch (FrameRefusedException e) {
                refused.incrementAndGet(e.reason().ordinal());
                continue;
            }
            received.incrementAndGet();
            InetSocketAddress source = (InetSocketAddress) from;
            Swim.Output output = swim.receive(elapsedMs(start), message, ipv4(source.getAddress()), source.getPort());
            handle(output);
            if (!output.events().isEmpty()) publish();
        }
    }

    private void handle(Swim.Output output) {
        for (Swim.Outgoing outgoing : output.messages()) send(outgoing);
        for (SwimEvent event : output.events()) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "gossip event listener failed on " + event, e); // gossip keeps running
            }
        }
    }

    private void send(Swim.Outgoing outgoing) {
        Member to = outgoing.to();
        try {
            InetAddress address = InetAddress.getByAddress(new byte[] {
                    (byte) (to.ipv4() >>> 24), (byte) (to.ipv4() >>> 16), (byte) (to.ipv4() >>> 8), (byte) to.ipv4()});
            int written = channel.send(ByteBuffer.wrap(GossipFrame.encode(key, outgoing.message())),
                    new InetSocketAddress(address, to.port()));
            (written > 0 ? sent : dropped).incrementAndGet();
        } catch (IOException e) {
            dropped.incrementAndGet();
        }
    }

    private void publish() {
        view = List.copyOf(swim.members());
        selfView = swim.self();
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static int ipv4(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 4) return 0; // an IPv6 source cannot reach an INET channel
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }
}
