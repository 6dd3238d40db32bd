package dev.yoq.node;

import dev.yoq.node.protocol.Wire;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.microprofile.config.Config;

/**
 * Opens {@link NodeClient}s to this node's helper, at {@code yoq.node.socket} (env YOQ_NODE_SOCKET; default
 * /run/yoq/node.sock). A connection per use: connecting to a Unix socket costs microseconds, and no call can
 * then wait behind another caller's slow one.
 */
@ApplicationScoped
public class NodeConnector {

    @Inject
    Config config;

    public Path socket() {
        return Path.of(config.getOptionalValue("yoq.node.socket", String.class).orElse(Wire.DEFAULT_SOCKET));
    }

    public NodeClient open() throws IOException {
        return NodeClient.connect(socket());
    }
}
