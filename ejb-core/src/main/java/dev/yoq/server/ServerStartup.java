package dev.yoq.server;

import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import dev.yoq.model.NodeRecord;
import dev.yoq.node.protocol.BuildInfo;
import dev.yoq.security.ApiTokens;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.schema.Migrations;
import dev.yoq.state.schema.SchemaMigrator;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.eclipse.microprofile.config.Config;

/**
 * Runs once when the application starts: data directory and token, schema migrations, the Raft peer of a cluster
 * server, node identity. A failure
 * does not stop the application: readiness stays DOWN with the reason, which {@code yoq server start} prints.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ServerStartup {

    private static final Logger LOG = Logger.getLogger(ServerStartup.class.getName());

    @Resource(lookup = "jdbc/yoq")
    DataSource dataSource;

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    Config config;

    @Inject
    CommandBus bus;

    @Inject
    ApiTokens tokens;

    @Inject
    dev.yoq.cluster.ClusterInfo cluster;

    private final Clock clock = Clock.systemUTC();
    private volatile ServerSettings settings;
    private volatile StartupReport report = StartupReport.starting(System.currentTimeMillis());

    @PostConstruct
    void start() {
        long startedAt = clock.millis();
        try {
            settings = ServerSettings.from(key -> config.getOptionalValue(key, String.class), System.getenv(), System.getProperty("user.home"));
            tokens.useAdminToken(DataDirectory.prepare(settings.layout(), new SecureRandom()));
            int schemaVersion = migrate();
            cluster.start(settings.layout().root());   // a cluster server's replicated commands go through Raft from here on
            String nodeId = recordStart(startedAt);
            report = new StartupReport(true, nodeId, schemaVersion, startedAt, null);
            LOG.info(() -> "yoq " + BuildInfo.version() + " ready: node " + nodeId + ", data dir "
                    + settings.layout().root() + ", schema version " + schemaVersion);
        } catch (Exception e) {
            report = StartupReport.failed(startedAt, e.getMessage() == null ? e.toString() : e.getMessage());
            LOG.log(Level.SEVERE, "yoq failed to start: " + report.failure(), e);
        }
    }

    public StartupReport report() {
        return report;
    }

    /** The settings the server started with; null only if they could not be read. */
    public ServerSettings settings() {
        return settings;
    }

    private int migrate() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            return new SchemaMigrator(Migrations.all(), clock::millis).migrate(c);
        }
    }

    private String recordStart(long at) {
        List<NodeRecord> nodes = em.createQuery("SELECT n FROM NodeRecord n", NodeRecord.class).getResultList();
        String nodeId;
        if (nodes.isEmpty()) {
            byte[] id = new byte[6];
            new SecureRandom().nextBytes(id);
            nodeId = bus.submit(new Command.RegisterNode(HexFormat.of().formatHex(id), settings.role(),
                    Hostname.read(), BuildInfo.version(), at));
        } else {
            nodeId = nodes.get(0).getId();
        }
        bus.submit(new Command.RecordServerStart(nodeId, BuildInfo.version(), at));
        return nodeId;
    }
}
