package dev.yoq.cluster.work;

import dev.yoq.model.WorkloadRunRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worker's or cron's run on an agent as the runs route shows it, read from its assignment: {@code running} while pending or
 * running, {@code succeeded} once its container exited 0, {@code failed} otherwise, with the exit code the agent
 * reported ("exited with code N").
 */
public final class AgentRuns {
    /** The agent's own words for a run's exit (a reason it did not write, e.g. a start's error, has no code). */
    private static final Pattern EXIT = Pattern.compile("^exited with code (\\d{1,3})$");

    private AgentRuns() {}

    public static WorkloadRunRecord of(Work w) {
        return of(w, null);
    }

    /** {@code finishedAt}: when its agent reported it ended (null while it runs, or for a report that carried no time). */
    public static WorkloadRunRecord of(Work w, Long finishedAt) {
        Integer code = exitCode(w.reason());
        String outcome = w.live() ? "running" : "stopped".equals(w.status()) && Integer.valueOf(0).equals(code) ? "succeeded" : "failed";
        String where = w.placed() ? "on agent " + w.agentId() : "waiting for an agent";
        String message = where + (w.reason() == null || w.reason().isEmpty() ? "" : ": " + w.reason());
        WorkloadRunRecord run = WorkloadRunRecord.onAgent(w.id(), w.appName(), w.workloadKind(), w.workloadName(), w.releaseId(), outcome,
                w.live() ? null : code, message, w.createdAt());
        if (!w.live() && finishedAt != null) run.finish(outcome, w.live() ? null : code, message, finishedAt);
        return run;
    }

    static Integer exitCode(String reason) {
        if (reason == null) return null;
        Matcher m = EXIT.matcher(reason);
        return m.matches() ? Integer.valueOf(m.group(1)) : null;
    }
}
