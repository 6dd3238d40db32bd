package dev.yoq.state;

import jakarta.persistence.TypedQuery;
import java.util.Map;

/**
 * Reads that go to the database every time. Outside a transaction the container's entity manager may hand back
 * an instance it read earlier in the same call, while commands change rows behind it; services that read right
 * after submitting a command use these.
 */
public final class FreshReads {
    private static final String REFRESH = "eclipselink.refresh";

    /** Properties for {@code em.find(type, id, FreshReads.FIND)}. */
    public static final Map<String, Object> FIND = Map.of(REFRESH, "true");

    private FreshReads() {}

    public static <T> TypedQuery<T> fresh(TypedQuery<T> query) {
        return query.setHint(REFRESH, "true");
    }
}
