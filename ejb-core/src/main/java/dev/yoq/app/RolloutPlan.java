package dev.yoq.app;

import dev.yoq.manifest.Manifest;
import java.util.ArrayList;
import java.util.List;

/**
 * How a release's services roll out (spec §3.7), as pure functions: the merge of the services' policies into
 * the one effective policy, and the batches of targets it gives.
 */
public final class RolloutPlan {
    private RolloutPlan() {}

    /**
     * Several services applied together roll out under one policy: strategy precedence blue_green > canary >
     * rolling; parallelism the smallest; delay and health-check timeout the largest; pause if any says pause.
     * No policies at all: the default (rolling, 1, rollback).
     */
    public static Manifest.Rollout merge(List<Manifest.Rollout> policies) {
        if (policies.isEmpty()) return Manifest.Rollout.DEFAULT;
        String strategy = "rolling";
        long parallelism = Long.MAX_VALUE, delay = 0, healthTimeout = 0;
        boolean pause = false;
        for (Manifest.Rollout p : policies) {
            if (rank(p.strategy()) > rank(strategy)) strategy = p.strategy();
            parallelism = Math.min(parallelism, Math.max(1, p.parallelism()));
            delay = Math.max(delay, p.delayBetweenBatches());
            healthTimeout = Math.max(healthTimeout, p.healthCheckTimeout());
            pause |= "pause".equals(p.failureAction());
        }
        return new Manifest.Rollout(strategy, parallelism, delay, pause ? "pause" : "rollback", healthTimeout);
    }

    private static int rank(String strategy) {
        return switch (strategy) {
            case "blue_green" -> 2;
            case "canary" -> 1;
            default -> 0;
        };
    }

    /**
     * The batches for {@code targets} (already in start order): rolling = batches of parallelism; canary = a
     * first batch of one, then batches of parallelism; blue_green = one batch of all, cut over together.
     */
    public static <T> List<List<T>> batches(List<T> targets, Manifest.Rollout policy) {
        List<List<T>> out = new ArrayList<>();
        if (targets.isEmpty()) return out;
        if ("blue_green".equals(policy.strategy())) {
            out.add(List.copyOf(targets));
            return out;
        }
        int from = 0;
        if ("canary".equals(policy.strategy())) {
            out.add(List.of(targets.get(0)));
            from = 1;
        }
        int size = (int) Math.min(Integer.MAX_VALUE, Math.max(1, policy.parallelism()));
        for (int i = from; i < targets.size(); i += size) out.add(List.copyOf(targets.subList(i, Math.min(targets.size(), i + size))));
        return out;
    }
}
