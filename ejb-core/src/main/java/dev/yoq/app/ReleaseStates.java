package dev.yoq.app;

/** The release view's derived fields (spec §2.4), exactly as the original computes them. Pure. */
public final class ReleaseStates {
    private ReleaseStates() {}

    /** {@code service_count − min(service_count, completed + failed)}. */
    public static long remaining(long serviceCount, long completed, long failed) {
        return serviceCount - Math.min(serviceCount, completed + failed);
    }

    /** The derived {@code rollout_state} of a release from its status, control state and target counts. */
    public static String rolloutState(String status, String controlState, long serviceCount, long completed, long failed) {
        return switch (status) {
            case "pending" -> "pending";
            case "in_progress" -> {
                if ("paused".equals(controlState) || "cancel_requested".equals(controlState)) yield "blocked";
                yield completed + failed > 0 ? "rolling" : "starting";
            }
            case "completed" -> "stable";
            case "partially_failed" -> remaining(serviceCount, completed, failed) > 0 ? "blocked" : "degraded";
            case "failed" -> completed > 0 ? "degraded" : "failed";
            case "superseded" -> "superseded";
            case "rolled_back" -> "rolled_back";
            default -> throw new IllegalArgumentException("unknown release status " + status);
        };
    }
}
