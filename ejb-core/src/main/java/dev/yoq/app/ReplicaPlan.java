package dev.yoq.app;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The next step that brings one service's replicas to a config (pure; the executor carries the step out, then asks
 * again). It decides from what runs, never from what it did before, so a rollout interrupted anywhere (server
 * killed between a start and its record, a drain half done) continues correctly from the containers alone.
 *
 * <ul>
 *   <li>rolling: start up to {@code parallelism} new replicas, wait until they are ready (they join the VIP as
 *       they turn healthy), then retire as many old ones (drain, then stop): capacity never drops below the
 *       desired count.</li>
 *   <li>canary: as rolling, but once the first new replica is ready beside the old ones the rollout holds for its
 *       health window before any old replica goes.</li>
 *   <li>blue_green: the whole new set starts on standby (outside the VIP); when all are ready one switch
 *       activates them and drains the old set, which is kept until the release completes (rollback = switch back).</li>
 * </ul>
 * A replica count change alone (same config) adds or retires only the difference.
 */
public final class ReplicaPlan {
    private ReplicaPlan() {}

    /** A replica as it is now: its index (hostname {@code <service>-<index>}), config, process, health, admin state. */
    public record Replica(String containerId, int index, String configHash, String status, String health, String admin) {
        public boolean running() { return "running".equals(status); }

        public boolean ended() { return List.of("exited", "failed", "stopped").contains(status); }

        /** Running and, with a health check, healthy: what may take traffic. */
        public boolean ready() { return running() && (health == null || "healthy".equals(health)); }
    }

    public sealed interface Step permits Start, Retire, Switch, Hold, Wait, Failed, Done {}

    /** Start replicas with these indexes; on standby (blue/green) or active. */
    public record Start(List<Integer> indexes, boolean standby) implements Step {}

    /** Take these out of the VIP, let their flows drain, stop and remove them. */
    public record Retire(List<String> containerIds) implements Step {}

    /** One update: these become active, those draining (blue/green cut-over). */
    public record Switch(List<String> activate, List<String> drain) implements Step {}

    /** The canary is ready beside the old set: hold for its health window before going on. */
    public record Hold() implements Step {}

    /** New replicas are starting or not healthy yet. */
    public record Wait() implements Step {}

    /** A new replica failed: the service cannot reach the config. */
    public record Failed(String containerId, String reason) implements Step {}

    /** The service runs the config at the desired count; {@code kept} are old replicas left for the release's end. */
    public record Done(List<String> kept) implements Step {}

    /**
     * @param started the replicas this rollout started: one of them dying or turning unhealthy fails the service,
     *                while a replica of the config that was already broken (crashed, unhealthy) is simply replaced
     */
    public static Step next(List<Replica> current, int desired, String hash, String strategy, int parallelism, boolean canaryHeld,
                            Set<String> started) {
        int batch = Math.max(1, parallelism);
        for (Replica r : current) {
            if (!hash.equals(r.configHash()) || !started.contains(r.containerId())) continue;
            if (r.ended()) return new Failed(r.containerId(), "process_failed");
            if (r.running() && "unhealthy".equals(r.health())) return new Failed(r.containerId(), "readiness_failed");
        }
        // never started ("created": the server died between recording and starting it), ended, or unhealthy
        List<Replica> broken = current.stream().filter(r -> hash.equals(r.configHash()) && !started.contains(r.containerId())
                && (r.ended() || "created".equals(r.status()) || "unhealthy".equals(r.health()))).toList();
        if (!broken.isEmpty()) return new Retire(ids(broken));
        List<Replica> fresh = current.stream().filter(r -> hash.equals(r.configHash())).sorted(Comparator.comparingInt(Replica::index)).toList();
        List<Replica> old = current.stream().filter(r -> !hash.equals(r.configHash())).toList();
        if ("blue_green".equals(strategy) && !old.isEmpty()) return blueGreen(fresh, old, desired);
        if (fresh.stream().anyMatch(r -> !r.ready())) return new Wait();
        // a standby set left by an interrupted blue/green release, or a replica drained by hand: serving capacity
        // is what the old ones are measured against, so these take traffic again before any old one goes
        List<String> inactive = ids(fresh.stream().filter(r -> "standby".equals(r.admin()) || "draining".equals(r.admin())).toList());
        if (!inactive.isEmpty()) return new Switch(inactive, List.of());
        if (fresh.size() > desired) return new Retire(ids(fresh.subList(desired, fresh.size())));
        int excess = fresh.size() + old.size() - desired;
        if (!old.isEmpty() && excess > 0) {
            if ("canary".equals(strategy) && !canaryHeld) return new Hold();
            return new Retire(ids(retireOrder(old).subList(0, Math.min(excess, batch))));
        }
        if (fresh.size() < desired) return new Start(freeIndexes(fresh, Math.min(batch, desired - fresh.size())), false);
        return new Done(ids(old));
    }

    private static Step blueGreen(List<Replica> fresh, List<Replica> old, int desired) {
        if (fresh.size() < desired) return new Start(freeIndexes(fresh, desired - fresh.size()), true);
        if (fresh.stream().anyMatch(r -> !r.ready())) return new Wait();
        if (fresh.size() > desired) return new Retire(ids(fresh.subList(desired, fresh.size())));
        List<String> standby = ids(fresh.stream().filter(r -> !"active".equals(r.admin())).toList());
        List<String> oldActive = ids(old.stream().filter(r -> "active".equals(r.admin())).toList());
        if (!standby.isEmpty() || !oldActive.isEmpty()) return new Switch(standby, oldActive);
        return new Done(ids(old));
    }

    /** Old replicas that serve nobody go first (ended, unhealthy, draining), then the highest indexes. */
    static List<Replica> retireOrder(List<Replica> old) {
        List<Replica> out = new ArrayList<>(old);
        out.sort(Comparator.comparing((Replica r) -> r.ready() && "active".equals(r.admin())).thenComparing(Replica::index, Comparator.reverseOrder()));
        return out;
    }

    static List<Integer> freeIndexes(List<Replica> fresh, int count) {
        Set<Integer> taken = new TreeSet<>(fresh.stream().map(Replica::index).toList());
        List<Integer> out = new ArrayList<>();
        for (int i = 1; out.size() < count; i++) if (!taken.contains(i)) out.add(i);
        return out;
    }

    private static List<String> ids(List<Replica> rs) {
        return rs.stream().map(Replica::containerId).toList();
    }
}
