package dev.yoq.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent's reconcile step (spec §5.3, once per heartbeat cycle) as a pure function of its assignments and the
 * containers its node's server runs: what to start, what to report, what to remove. An assignment's container is
 * named {@code a<assignment id>-<agent id>-<workload>}, so a restarted agent (same id) finds its containers again and
 * removes those whose assignment was taken away; other containers, an operator's or another agent's, are left alone.
 */
final class AgentWork {
    private static final Pattern OURS = Pattern.compile("a([0-9a-f]{12})-([0-9a-f]{12})(-.*)?");

    private AgentWork() {}

    record Assignment(String id, String status, String image, String command, long cpuLimit, long memoryLimitMb,
                      String workloadName) {}

    record Local(String id, String name, String status, Integer exitCode) {}

    sealed interface Action permits Start, Report, Remove {}

    record Start(Assignment assignment, String name) implements Action {}

    record Report(String assignmentId, String status, String reason) implements Action {}

    record Remove(String containerId, boolean running) implements Action {}

    static String containerName(Assignment a, String agentId) {
        String name = "a" + a.id() + "-" + agentId + (a.workloadName() == null || a.workloadName().isBlank() ? "" : "-" + a.workloadName());
        name = name.length() > 63 ? name.substring(0, 63) : name;
        while (name.endsWith("-")) name = name.substring(0, name.length() - 1);
        return name;
    }

    static List<Action> plan(List<Assignment> assignments, List<Local> local, String agentId) {
        Map<String, Local> byAssignment = new HashMap<>();
        for (Local c : local) {
            String aid = assignmentOf(c.name(), agentId);
            if (aid != null) byAssignment.put(aid, c);
        }
        List<Action> actions = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (Assignment a : assignments) {
            listed.add(a.id());
            Local c = byAssignment.get(a.id());
            boolean wanted = "pending".equals(a.status()) || "running".equals(a.status());
            if (!wanted) {
                if (c != null) actions.add(new Remove(c.id(), "running".equals(c.status())));
            } else if (c == null) {
                actions.add(new Start(a, containerName(a, agentId)));
            } else if ("running".equals(c.status())) {
                if (!"running".equals(a.status())) actions.add(new Report(a.id(), "running", null));
            } else if (!"created".equals(c.status())) {   // it ended and its restart policy gave up
                boolean clean = c.exitCode() != null && c.exitCode() == 0;
                actions.add(new Report(a.id(), clean ? "stopped" : "failed",
                        c.exitCode() == null ? "the container ended" : "exited with code " + c.exitCode()));
                actions.add(new Remove(c.id(), false));
            }
        }
        for (Map.Entry<String, Local> e : byAssignment.entrySet()) {
            if (!listed.contains(e.getKey())) actions.add(new Remove(e.getValue().id(), "running".equals(e.getValue().status())));
        }
        return actions;
    }

    /** The assignment id in the name of a container this agent made, or null for any other container. */
    static String assignmentOf(String name, String agentId) {
        if (name == null) return null;
        Matcher m = OURS.matcher(name);
        return m.matches() && m.group(2).equals(agentId) ? m.group(1) : null;
    }
}
