package dev.yoq.node;

import dev.yoq.server.ServerStartup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Probes the node helper every {@value #PROBE_MS} ms and, when the server was told how to start it
 * ({@code yoq.node.command}, set by {@code yoq server start} as root), starts it again once it has gone silent
 * ({@link HelperWatch} decides). The restarted helper re-adopts the running containers and rebuilds their rules
 * and names from its own files. Readiness and the status rows read {@link #problem()}.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class HelperSupervisor {
    static final long PROBE_MS = 500;
    private static final Logger LOG = Logger.getLogger(HelperSupervisor.class.getName());

    @Resource
    TimerService timers;

    @Inject
    NodeConnector node;

    @Inject
    Config config;

    @EJB
    ServerStartup startup;

    private final HelperWatch watch = new HelperWatch();

    @PostConstruct
    void start() {
        timers.createIntervalTimer(PROBE_MS, PROBE_MS, new TimerConfig("helper-supervisor", false));
    }

    @Timeout
    void probe() {
        String error = null;
        try (NodeClient c = NodeClient.connect(node.socket())) {
            // connecting is the probe: it includes the hello round trip
        } catch (IOException | RuntimeException e) {
            error = String.valueOf(e.getMessage());
        }
        boolean wasReachable = watch.reachable();
        if (watch.observe(error, System.currentTimeMillis(), command() != null) == HelperWatch.Action.START_HELPER) {
            startHelper();
        }
        if (wasReachable && error != null) LOG.warning(error + (command() != null ? " (starting it again)" : ""));
        if (!wasReachable && error == null) LOG.info("node helper answering on " + node.socket());
    }

    /** Whether a helper that stops answering is started again by this server. */
    public boolean supervised() {
        return command() != null;
    }

    /** Why the helper cannot be used now, or null when it answers. */
    public String problem() {
        return watch.problem(System.currentTimeMillis());
    }

    public boolean reachable() {
        return watch.reachable();
    }

    /** The helper's launcher ({@code bin/yoq-node}), when this server supervises it. */
    private Path command() {
        return config.getOptionalValue("yoq.node.command", String.class).filter(s -> !s.isBlank()).map(Path::of)
                .filter(Files::isExecutable).orElse(null);
    }

    private void startHelper() {
        Path command = command();
        var settings = startup.settings();
        if (settings == null) return;   // the server is still starting (or could not): the next probe tries again
        Path log = settings.layout().logs().resolve("yoq-node.log");
        try {
            Files.createDirectories(log.getParent());
            new ProcessBuilder("setsid", command.toString(), "--socket", node.socket().toString(),
                    "--data-dir", settings.layout().root().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            LOG.warning("node helper silent: started " + command + " again (restart " + watch.restarts() + ", log " + log + ")");
        } catch (IOException e) {
            LOG.severe("cannot start the node helper " + command + ": " + e.getMessage());
        }
    }
}
