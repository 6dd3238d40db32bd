package dev.yoq.cli;

/** Human-readable durations for CLI output. */
final class Durations {

    private Durations() {
    }

    /** 0s, 59s, 1m 5s, 2h 3m, 4d 1h: the two largest units are enough to read at a glance. */
    static String human(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m " + seconds % 60 + "s";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
        }
        return seconds / 86_400 + "d " + seconds % 86_400 / 3600 + "h";
    }
}
