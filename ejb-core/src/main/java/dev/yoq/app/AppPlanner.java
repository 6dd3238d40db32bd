package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a release changes (pure): which services it must (re)start and in which batches, and the dry run's list
 * of changes. A service whose running container already has the release's config for it is left alone.
 */
public final class AppPlanner {
    private AppPlanner() {}

    /** What runs now for one service: the container's config hash and whether it is running. */
    public record Running(String configHash, boolean running) {}

    /** One line of a dry run (spec §2.2 /apps/dry-run {@code changes}). */
    public record Change(String kind, String name, String change) {}

    /** The first progress of a release: unchanged services ready, the rest pending, batched by the merged policy. */
    public static RolloutProgress start(Manifest m, Map<String, String> hashes, Map<String, Running> now) {
        List<Target> targets = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        List<Manifest.Rollout> policies = new ArrayList<>();
        for (Manifest.Service s : ManifestRules.startOrder(m)) {
            Running r = now.get(s.name());
            if (r != null && r.running() && r.configHash() != null && r.configHash().equals(hashes.get("service:" + s.name()))) {
                targets.add(new Target("service", s.name(), Target.READY, null));
            } else {
                targets.add(Target.pending(s.name()));
                pending.add(s.name());
                policies.add(s.rollout());
            }
        }
        return new RolloutProgress(targets, RolloutPlan.batches(pending, RolloutPlan.merge(policies)), 0, Map.of(), "starting");
    }

    /** The merged policy of the services this release changes. */
    public static Manifest.Rollout policy(Manifest m, RolloutProgress progress) {
        Set<String> rolled = new TreeSet<>();
        progress.batches().forEach(rolled::addAll);
        return RolloutPlan.merge(m.services().stream().filter(s -> rolled.contains(s.name())).map(Manifest.Service::rollout).toList());
    }

    /** Create / update / delete / unchanged per workload, comparing a snapshot's hashes with the current release's. */
    public static List<Change> changes(Map<String, String> proposed, Map<String, String> current) {
        Map<String, Change> out = new LinkedHashMap<>();
        proposed.forEach((key, hash) -> {
            String old = current.get(key);
            String change = old == null ? "create" : old.equals(hash) ? "unchanged" : "update";
            out.put(key, new Change(kind(key), name(key), change));
        });
        current.keySet().stream().filter(k -> !proposed.containsKey(k)).forEach(k -> out.put(k, new Change(kind(k), name(k), "delete")));
        return List.copyOf(out.values());
    }

    static String kind(String key) { return key.substring(0, key.indexOf(':')); }

    static String name(String key) { return key.substring(key.indexOf(':') + 1); }
}
