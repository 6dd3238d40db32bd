package dev.yoq.cluster.schedule;

import java.util.List;

/**
 * The scheduler's decision: which request goes to which node, and which could not be placed and why (the reason
 * a user reads in the assignment's status).
 */
public record Placements(List<Placed> placed, List<Unplaced> unplaced) {
    public Placements {
        placed = List.copyOf(placed);
        unplaced = List.copyOf(unplaced);
    }

    public record Placed(String requestId, String nodeId) {
    }

    public record Unplaced(String requestId, String reason) {
    }

    public String nodeOf(String requestId) {
        for (Placed p : placed) if (p.requestId().equals(requestId)) return p.nodeId();
        return null;
    }
}
