package dev.yoq.node.daemon;

import dev.yoq.node.daemon.container.ContainerManager;
import dev.yoq.node.protocol.MessageCodec;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The helper's Unix socket (mode 0660). Every connection's peer is checked with SO_PEERCRED: root and the
 * configured service user are served, anyone else is told no and disconnected.
 */
public final class HelperServer implements AutoCloseable {
    private final Path socket;
    private final Set<String> allowedUsers;
    private final ContainerManager containers;
    private final EventHub events;
    private final dev.yoq.node.daemon.image.LayerStore layers;
    private final Consumer<String> log;
    private final MessageCodec codec = MessageCodec.SHARED;
    private ServerSocketChannel server;

    public HelperServer(Path socket, Set<String> allowedUsers, ContainerManager containers, EventHub events,
                        dev.yoq.node.daemon.image.LayerStore layers, Consumer<String> log) {
        this.socket = socket;
        this.allowedUsers = allowedUsers;
        this.containers = containers;
        this.events = events;
        this.layers = layers;
        this.log = log;
    }

    public void bind() throws IOException {
        Files.createDirectories(socket.getParent());
        if (Files.exists(socket)) {
            if (answers(socket)) throw new IOException("another yoq-node is already listening on " + socket);
            Files.delete(socket);   // left by a helper that died
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        for (String user : allowedUsers) {
            if (user.equals("root")) continue;
            try {   // the service user reaches the 0660 socket through its group (Debian: a group of the same name)
                var group = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(user);
                Files.getFileAttributeView(socket, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(group);
            } catch (IOException e) {
                log.accept("cannot give the socket to group " + user + ": " + e.getMessage() + "; only root can connect");
            }
        }
    }

    private volatile dev.yoq.node.daemon.edge.ProxySupervisor proxy;

    /** The node's yoq-proxy supervisor (null: the proxy is off and its operations answer so). */
    public void proxy(dev.yoq.node.daemon.edge.ProxySupervisor proxy) {
        this.proxy = proxy;
    }

    private volatile dev.yoq.node.daemon.network.WireguardOverlay overlay;

    /** The node's WireGuard overlay (null: its operations answer that it is off). */
    public void overlay(dev.yoq.node.daemon.network.WireguardOverlay overlay) {
        this.overlay = overlay;
    }

    /** Accepts connections until the server is closed. */
    public void serve() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
                String user = peer.user().getName();
                if (!allowedUsers.contains(user)) {
                    log.accept("refused a connection from user " + user);
                    refuse(ch, user);
                    continue;
                }
                Thread t = new Thread(new Session(Channels.newInputStream(ch), Channels.newOutputStream(ch), codec,
                        containers, events, layers, proxy, overlay, () -> closeQuietly(ch)), "yoq-node-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (server.isOpen()) log.accept("accept failed: " + e.getMessage());
            }
        }
    }

    /**
     * Answers {@code forbidden} and closes, on a thread of its own so a slow peer cannot hold the accept loop.
     * The peer's own bytes (its hello) are read until it hangs up (at most 2 s) before closing: a Unix socket
     * closed with unread data resets the connection, and the peer could lose the answer that says why.
     */
    private void refuse(SocketChannel ch, String user) {
        Thread t = new Thread(() -> {
            try (ch) {
                codec.write(Channels.newOutputStream(ch), new dev.yoq.node.protocol.Wire.Reply(0, null,
                        new dev.yoq.node.protocol.HelperError(dev.yoq.node.protocol.HelperError.FORBIDDEN,
                                "user " + user + " may not use the yoq node helper")));
                ch.shutdownOutput();
                ch.configureBlocking(false);
                java.nio.ByteBuffer sink = java.nio.ByteBuffer.allocate(4096);
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < deadline) {
                    sink.clear();
                    int n = ch.read(sink);
                    if (n < 0) break;
                    if (n == 0) Thread.sleep(20);
                }
            } catch (IOException e) {
                // nothing more to say to it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "yoq-node-refuse");
        t.setDaemon(true);
        t.start();
    }

    private static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return ch.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) server.close();
        Files.deleteIfExists(socket);
    }
}
