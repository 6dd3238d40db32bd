package dev.yoq.node;

import dev.yoq.node.protocol.Wire;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.microprofile.config.Config;

/**
 * Hands out {@link NodeClient}s to this node's helper, at {@code yoq.node.socket} (env YOQ_NODE_SOCKET; default
 * /run/yoq/node.sock). Each caller gets a connection of its own (no call waits behind another's slow one);
 * closing it returns it to a small pool, which saves the connect-and-hello round trip on the next call. The pool
 * is emptied when the helper goes away ({@link #forgetConnections()}, called by the event subscription).
 */
@ApplicationScoped
public class NodeConnector {

    @Inject
    Config config;

    public Path socket() {
        return Path.of(config.getOptionalValue("yoq.node.socket", String.class).orElse(Wire.DEFAULT_SOCKET));
    }

    private static final int POOL_SIZE = 8;
    private final java.util.concurrent.ConcurrentLinkedDeque<NodeClient> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();

    public NodeClient open() throws IOException {
        NodeClient pooled = idle.pollFirst();
        if (pooled != null) return pooled;
        return NodeClient.connect(socket()).returningTo(this::giveBack);
    }

    private boolean giveBack(NodeClient client) {
        if (idle.size() >= POOL_SIZE) return false;
        idle.addFirst(client);
        return true;
    }

    /** Closes every idle connection: the helper restarted, they all lead nowhere. */
    public void forgetConnections() {
        for (NodeClient c; (c = idle.pollFirst()) != null; ) {
            try {
                c.disconnect();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
