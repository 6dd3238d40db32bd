package dev.yoq.node.daemon.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
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
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService pool = Executors.newFixedThreadPool(8, daemon("yoq-dns-forward"));
    private final ExecutorService tcpClients = Executors.newFixedThreadPool(8, daemon("yoq-dns-tcp"));

    public DnsServer(InetAddress address, int port, DnsAnswers answers, Consumer<String> log) throws IOException {
        this.answers = answers;
        this.log = log;
        this.udp = new DatagramSocket(new InetSocketAddress(address, port));
        this.tcp = new ServerSocket();
        tcp.setReuseAddress(true);
        tcp.bind(new InetSocketAddress(address, udp.getLocalPort()), MAX_TCP_CLIENTS);
        daemon("yoq-dns-udp").newThread(this::serveUdp).start();
        daemon("yoq-dns-tcp-accept").newThread(this::acceptTcp).start();
        log.accept("DNS resolver listening on " + address.getHostAddress() + ":" + udp.getLocalPort() + " (udp, tcp)");
    }

    public DnsAnswers answers() { return answers; }

    /** The UDP port (useful when 0 asked the system for a free one). */
    public int port() { return udp.getLocalPort(); }

    private void serveUdp() {
        byte[] buf = new byte[4096];
        while (!udp.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                udp.receive(in);
                InetSocketAddress from = (InetSocketAddress) in.getSocketAddress();
                byte[] local = answers.answerLocally(buf, in.getLength(), 4096);
                if (local == null) {
                    byte[] copy = java.util.Arrays.copyOf(buf, in.getLength());
                    pool.execute(() -> reply(copy, from));
                } else if (local.length > 0) {
                    udp.send(new DatagramPacket(local, local.length, from));
                }
            } catch (IOException e) {
                if (!udp.isClosed()) log.accept("DNS: receive failed: " + e.getMessage());
            }
        }
    }

    private void reply(byte[] query, InetSocketAddress to) {
        byte[] out = answers.answer(query, query.length, 4096);
        if (out == null) return;
        try {
            udp.send(new DatagramPacket(out, out.length, to));
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
        udp.close();
        tcp.close();
        pool.shutdownNow();
        tcpClients.shutdownNow();
    }
}
