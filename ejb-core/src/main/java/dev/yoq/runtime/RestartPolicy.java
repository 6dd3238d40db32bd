package dev.yoq.runtime;

import java.util.Locale;

/**
 * When the server brings a container back after it ended. The CLI spells them {@code no|always|on-failure}
 * (spec §1.1), manifests {@code none|always|on_failure} (spec §3.5); both parse here, {@link #cliName()} is stored.
 */
public enum RestartPolicy {
    NO("no"), ALWAYS("always"), ON_FAILURE("on-failure");

    private final String cliName;

    RestartPolicy(String cliName) { this.cliName = cliName; }

    public String cliName() { return cliName; }

    public static RestartPolicy parse(String text) {
        if (text == null || text.isBlank()) return NO;
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "no", "none" -> NO;
            case "always" -> ALWAYS;
            case "on-failure", "on_failure" -> ON_FAILURE;
            default -> throw new IllegalArgumentException("restart: must be no, always or on-failure, got " + text);
        };
    }

    /** Whether an ended run should be followed by another one. A user's stop always wins. */
    public boolean restarts(boolean stoppedByUser, Integer exitCode, boolean oomKilled) {
        if (stoppedByUser) return false;
        return switch (this) {
            case NO -> false;
            case ALWAYS -> true;
            case ON_FAILURE -> oomKilled || exitCode == null || exitCode != 0;
        };
    }
}
