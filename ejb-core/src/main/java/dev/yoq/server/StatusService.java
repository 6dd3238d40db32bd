package dev.yoq.server;

import java.time.Clock;

import dev.yoq.node.protocol.BuildInfo;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/** Reads the node's status from the local database; reads never go through the command bus. */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class StatusService {

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @EJB
    ServerStartup startup;

    private final Clock clock = Clock.systemUTC();

    public NodeStatus status() {
        StartupReport report = startup.report();
        ServerSettings settings = startup.settings();
        long uptime = Math.max(0, (clock.millis() - report.startedAt()) / 1000);
        String role = settings == null ? "server" : settings.role();
        String dataDir = settings == null ? null : settings.layout().root().toString();
        if (!report.ready()) {
            return new NodeStatus(report.nodeId(), role, BuildInfo.version(), uptime, dataDir, report.schemaVersion(),
                    false, 0, 0, 0);
        }
        return new NodeStatus(report.nodeId(), role, BuildInfo.version(), uptime, dataDir, report.schemaVersion(),
                true,
                count("SELECT COUNT(DISTINCT app_name) FROM deployments WHERE app_name IS NOT NULL"),
                count("SELECT COUNT(*) FROM containers"),
                count("SELECT COUNT(*) FROM images"));
    }

    /** Whether the database answers and is at the schema this build needs: the readiness check. */
    public boolean databaseReady() {
        StartupReport report = startup.report();
        if (!report.ready()) {
            return false;
        }
        Object version = em.createNativeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")
                .getSingleResult();
        return ((Number) version).intValue() == report.schemaVersion();
    }

    private long count(String sql) {
        return ((Number) em.createNativeQuery(sql).getSingleResult()).longValue();
    }
}
