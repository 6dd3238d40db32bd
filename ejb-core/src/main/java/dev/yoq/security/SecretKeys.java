package dev.yoq.security;

import dev.yoq.cluster.ClusterInfo;
import dev.yoq.server.ServerStartup;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/**
 * This node's {@link SecretCipher}: over {@code <data>/secrets.key} on a single node, made on first use; on a cluster's
 * server over the keyset all servers share ({@link ClusterKeysets}), so a value sealed on one opens on every other.
 */
@ApplicationScoped
public class SecretKeys {
    public static final String KEY_FILE = "secrets.key";

    @Inject
    ServerStartup startup;

    @Inject
    ClusterInfo cluster;

    @Inject
    CommandBus bus;

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    private volatile SecretCipher cipher;

    public SecretCipher cipher() {
        SecretCipher c = cipher;
        if (c == null) {
            synchronized (this) {
                if (cipher == null) cipher = cluster.clustered() ? clusterCipher() : new SecretCipher(startup.settings().layout().root().resolve(KEY_FILE));
                c = cipher;
            }
        }
        return c;
    }

    private SecretCipher clusterCipher() {
        return new SecretCipher(new ClusterKeysets(cluster.secretsKeysetKey(), this::stored, bus::submit, System::currentTimeMillis));
    }

    private ClusterKeysets.Stored stored() {
        List<?> rows = em.createNativeQuery("SELECT keyset, primary_key_id FROM secret_keysets WHERE id = 1").getResultList();
        if (rows.isEmpty()) return null;
        Object[] r = (Object[]) rows.get(0);
        return new ClusterKeysets.Stored((byte[]) r[0], ((Number) r[1]).intValue());
    }
}
