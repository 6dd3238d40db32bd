package dev.yoq.node.daemon.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The containers' resolver on the bridge's gateway address, port 53: UDP (answers cut to 512 bytes or the
 * client's EDNS size, TC set) and TCP (length-prefixed, for what did not fit). Local names are answered on the
 * receiving thread; forwarded ones go to a pool of 8 so a slow upstream cannot stall local answers.
 */
public final class DnsServer implements AutoCloseable {
    static final int MAX_TCP_CLIENTS = 64;
    private final DnsAnswers answers;
    private final Consumer<String> log;
    /** One UDP socket per receiving thread, bound together with SO_REUSEPORT: the kernel spreads the queries. */
    private final java.util.List<java.nio.channels.DatagramChannel> udp = new java.util.ArrayList<>();
    static final int UDP_THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private final ServerSocket tcp;
    private final ExecutorService pool = Executors.newFixedThreadPool(8, daemon("yoq-dns-forward"));
    private final ExecutorService tcpClients = Executors.newFixedThreadPool(8, daemon("yoq-dns-tcp"));

    public DnsServer(InetAddress address, int port, DnsAnswers answers, Consumer<String> log) throws IOException {
        this.answers = answers;
        this.log = log;
        // Port 0 takes a free UDP port, and TCP must then get the same number: another process may hold it for
        // TCP, so a few fresh UDP ports are tried before giving up. A fixed port is tried once.
        ServerSocket bound = null;
        for (int attempt = 0; bound == null; attempt++) {
            int udpPort = bindUdp(address, port);
            try {
                bound = bindTcp(address, udpPort);
            } catch (java.net.BindException e) {
                closeUdp();
                if (port != 0 || attempt >= 9) throw e;
            }
        }
        this.tcp = bound;
        for (java.nio.channels.DatagramChannel ch : udp) daemon("yoq-dns-udp").newThread(() -> serveUdp(ch)).start();
        daemon("yoq-dns-tcp-accept").newThread(this::acceptTcp).start();
        log.accept("DNS resolver listening on " + address.getHostAddress() + ":" + tcp.getLocalPort() + " (udp, tcp)");
    }

    private int bindUdp(InetAddress address, int port) throws IOException {
        int bound = port;
        for (int i = 0; i < UDP_THREADS; i++) {
            java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET);
            udp.add(ch);
            ch.setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
            try {
                ch.bind(new InetSocketAddress(address, bound));
            } catch (IOException e) {
                closeUdp();
                throw e;
            }
            bound = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        }
        return bound;
    }

    private static ServerSocket bindTcp(InetAddress address, int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), MAX_TCP_CLIENTS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private void closeUdp() {
        for (java.nio.channels.DatagramChannel ch : udp) {
            try { ch.close(); } catch (IOException ignored) { }
        }
        udp.clear();
    }

    public DnsAnswers answers() { return answers; }

    /** The port, the same for UDP and TCP (useful when 0 asked the system for a free one). */
    public int port() { return tcp.getLocalPort(); }

    private void serveUdp(java.nio.channels.DatagramChannel ch) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(4096);
        byte[] buf = in.array();
        while (ch.isOpen()) {
            try {
                in.clear();
                InetSocketAddress from = (InetSocketAddress) ch.receive(in);
                int length = in.position();
                byte[] local = answers.answerLocally(buf, length, 4096);
                if (local == null) {
                    byte[] copy = java.util.Arrays.copyOf(buf, length);
                    pool.execute(() -> reply(ch, copy, from));
                } else if (local.length > 0) {
                    ch.send(java.nio.ByteBuffer.wrap(local), from);
                }
            } catch (IOException e) {
                if (ch.isOpen()) log.accept("DNS: receive failed: " + e.getMessage());
            }
        }
    }

    private void reply(java.nio.channels.DatagramChannel ch, byte[] query, InetSocketAddress to) {
        byte[] out = answers.answer(query, query.length, 4096);
        if (out == null) return;
        try {
            ch.send(java.nio.ByteBuffer.wrap(out), to);
        } catch (IOException e) {
            // the client is gone; nothing to do
        }
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                tcpClients.execute(() -> serveTcp(s));
            } catch (IOException e) {
                if (!tcp.isClosed()) log.accept("DNS: accept failed: " + e.getMessage());
            }
        }
    }

    private void serveTcp(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream()); DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            s.setSoTimeout(10_000);
            for (int n = 0; n < 100; n++) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                if (query.length < length) return;
                byte[] answer = answers.answer(query, length, 0);
                if (answer == null) return;
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (IOException e) {
            // closed or idle: the client reconnects if it needs to
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() throws IOException {
        for (java.nio.channels.DatagramChannel ch : udp) ch.close();
        tcp.close();
        pool.shutdownNow();
        tcpClients.shutdownNow();
    }
}
