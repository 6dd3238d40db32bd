package dev.yoq.runtime;

import java.time.Duration;

/**
 * The delay before a restart (spec §6.2): 1 s, doubling per consecutive quick failure, capped at 30 s; a run
 * that lasted at least 10 s resets the streak. Pure: the caller keeps the streak and supplies the run time.
 */
public final class RestartBackoff {
    public static final Duration FIRST = Duration.ofSeconds(1);
    public static final Duration CAP = Duration.ofSeconds(30);
    public static final Duration RESET_AFTER = Duration.ofSeconds(10);

    private RestartBackoff() {}

    /** The streak after a run of this length: 0 after a long run, else one more than before. */
    public static int nextStreak(int streak, Duration ran) {
        return ran.compareTo(RESET_AFTER) >= 0 ? 0 : streak + 1;
    }

    /** Delay for a streak: 0 → 1 s, 1 → 2 s, 2 → 4 s ... never above 30 s. */
    public static Duration delay(int streak) {
        if (streak >= 5) return CAP;   // 2^5 s = 32 s is already past the cap; also keeps the shift small
        Duration d = FIRST.multipliedBy(1L << Math.max(0, streak));
        return d.compareTo(CAP) > 0 ? CAP : d;
    }
}
